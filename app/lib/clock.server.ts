// The app's clock for access decisions, the directory and renewal reminders. In production it is
// the system time. A server started for browser tests (APP_TEST_CLOCK=1 on a localhost APP_URL)
// lets its loopback-only /test/clock endpoint shift it, so a spec can move a year ahead without
// sleeping. See docs/decisions/0009-access-rules-and-clock.md.

import { remember } from "@epic-web/remember";
import { isLoopbackHost } from "./env.server";

const clock = remember("app-clock", () => ({ offsetMs: 0 }));

function isLocalAppUrl(value: string | undefined): boolean {
  if (!value) return true; // APP_URL defaults to http://localhost:PORT
  return URL.canParse(value) && isLoopbackHost(new URL(value).hostname);
}

/**
 * Whether this process runs with the shiftable test clock. Refused (throws, so the server stops
 * at boot or the request fails) when set on a server whose APP_URL is not a localhost address.
 */
export function testClockEnabled(
  source: Record<string, string | undefined> = process.env,
): boolean {
  const flag = source.APP_TEST_CLOCK?.trim();
  if (!flag || flag === "0" || flag === "false") return false;
  if (!isLocalAppUrl(source.APP_URL)) {
    throw new Error("APP_TEST_CLOCK is refused when APP_URL is not a localhost address");
  }
  return true;
}

// Checked when the server bundle loads, so a misconfigured server does not start.
testClockEnabled();

/** How far the test clock is ahead of the system time (0 in production). */
export function clockOffsetMs(): number {
  return clock.offsetMs;
}

/** The current time as the app sees it. */
export function now(): Date {
  return new Date(Date.now() + clockOffsetMs());
}

/** Moves the test clock to `offsetMs` ahead of the system time; refused unless the test clock is on. */
export function setClockOffset(offsetMs: number): void {
  if (!testClockEnabled())
    throw new Error("The clock can only be moved on a server started with APP_TEST_CLOCK=1");
  if (!Number.isSafeInteger(offsetMs))
    throw new RangeError("The clock offset must be a whole number of milliseconds");
  clock.offsetMs = offsetMs;
}
