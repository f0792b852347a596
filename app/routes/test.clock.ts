import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { isLoopbackClient } from "../lib/client-address.server";
import { clockOffsetMs, now, setClockOffset, testClockEnabled } from "../lib/clock.server";
import { readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";

// The browser tests' clock seam: GET answers the app's time, POST offsetMs=<ms> sets how far it
// runs ahead of the system time. Only on a server started with APP_TEST_CLOCK=1 (refused unless
// APP_URL is localhost), and only from the loopback interface; anything else is a 404.

const MAX_OFFSET_MS = 10 * 366 * 24 * 60 * 60 * 1000;

function available(request: Request): boolean {
  return testClockEnabled() && isLoopbackClient(request);
}

const notFound = () => new Response("Not found", { status: 404 });

function state(): Response {
  return Response.json(
    { now: now().toISOString(), offsetMs: clockOffsetMs() },
    { headers: { "Cache-Control": "no-store" } },
  );
}

export function loader({ request }: LoaderFunctionArgs) {
  return available(request) ? state() : notFound();
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  if (!available(request)) return notFound();
  const read = await readForm(request);
  const raw = read.ok ? read.form.get("offsetMs") : null;
  const offset = typeof raw === "string" && /^-?[0-9]{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(offset) || Math.abs(offset) > MAX_OFFSET_MS) {
    return new Response("offsetMs must be a whole number of milliseconds within ten years", {
      status: 400,
    });
  }
  setClockOffset(offset);
  return state();
}
