// Every time the app reads comes from here.
// - `now()`: the app's clock, for everything the domain decides (access, payments, billing,
//   reminders, the directory). In production it is the system time. A server started for browser
//   tests (APP_TEST_CLOCK=1 on a localhost APP_URL, checked by the env schema) lets its
//   loopback-only /test/clock endpoint shift it, so a spec can move a year ahead without sleeping.
// - `systemNow()`: the machine's time, for what must follow real time whatever a test did to the
//   app's clock: the outbox's delivery schedule, leases between processes, login sessions.
// See docs/decisions/0009-access-rules-and-clock.md and 0016.

import { remember } from "@epic-web/remember";
import { env, type Env } from "./env.server";

const clock = remember("app-clock", () => ({ offsetMs: 0 }));

/** Whether this process runs with the shiftable test clock (APP_TEST_CLOCK, see env.server.ts). */
export function testClockEnabled(config: Pick<Env, "testClock"> = env()): boolean {
  return config.testClock;
}

/** How far the test clock is ahead of the system time (0 in production). */
export function clockOffsetMs(): number {
  return clock.offsetMs;
}

/** The current time as the app sees it. */
export function now(): Date {
  return new Date(Date.now() + clock.offsetMs);
}

/** The machine's current time, unaffected by the test clock. */
export function systemNow(): Date {
  return new Date();
}

/** Moves the test clock to `offsetMs` ahead of the system time; refused unless the test clock is on. */
export function setClockOffset(offsetMs: number): void {
  if (!testClockEnabled())
    throw new Error("The clock can only be moved on a server started with APP_TEST_CLOCK=1");
  if (!Number.isSafeInteger(offsetMs))
    throw new RangeError("The clock offset must be a whole number of milliseconds");
  clock.offsetMs = offsetMs;
}
