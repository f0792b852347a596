import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../lib/db.server";
import { requireStaff, STAFF_CACHE_CONTROL, staffNotFound } from "../staff/guard.server";
import { parseId } from "../staff/members.server";
import { renderOutboxEmail } from "../staff/outbox.server";

/**
 * The rendered HTML of one email, as a standalone document. Emails are third-party-looking
 * HTML: the response is sandboxed (no script, no form, no same-origin access) and loads nothing.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request);
  const id = parseId(params.id);
  const email = id === null ? undefined : await renderOutboxEmail(db(), id);
  if (!email?.shown)
    throw staffNotFound("There is no such email, or its content is no longer kept.");
  return new Response(email.shown.html, {
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": STAFF_CACHE_CONTROL,
      "Content-Security-Policy":
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
    },
  });
}
