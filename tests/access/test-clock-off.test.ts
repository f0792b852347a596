import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { clockOffsetMs, setClockOffset, testClockEnabled } from "../../app/lib/clock.server";
import { action as clockAction, loader as clockLoader } from "../../app/routes/test.clock";
import { args, run } from "../support/requests";

// A server started without APP_TEST_CLOCK (this file's process): the clock cannot be moved.
delete process.env.APP_TEST_CLOCK;

function clockRequest(method: "GET" | "POST", offsetMs?: string): Request {
  const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1" });
  if (offsetMs !== undefined) headers.set("Content-Type", "application/x-www-form-urlencoded");
  return new Request("http://localhost:3000/test/clock", {
    method,
    headers,
    body: offsetMs === undefined ? undefined : new URLSearchParams({ offsetMs }),
  });
}

describe("/test/clock without APP_TEST_CLOCK", () => {
  it("is a 404, and the clock does not move", async () => {
    expect(testClockEnabled()).toBe(false);
    expect((await run(() => clockLoader(args(clockRequest("GET"))))).status).toBe(404);
    expect((await run(() => clockAction(args(clockRequest("POST", "86400000"))))).status).toBe(404);
    expect(clockOffsetMs()).toBe(0);
    expect(() => setClockOffset(1000)).toThrow(/APP_TEST_CLOCK=1/);
    expect(clockOffsetMs()).toBe(0);
  });
});
