// The auth part of the test harness: each file gets a fresh database on the backend of its
// Vitest project (SQLite, or PostgreSQL with TEST_DATABASE_URL) with a low rate limit.
// run/args/getRequest come from ./requests; formRequest here differs from its namesake there:
// each request comes from its own client address.
import { afterAll, beforeAll } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { setupTestApp, TEST_APP_URL, type TestApp } from "./app";
import { TEST_LANGUAGE_HEADER } from "./requests";

let ipCounter = 0;

/** A client address no other request in the run uses, so rate limits stay out of the way. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter % 250}-${ipCounter}`;
}

export function formRequest(
  path: string,
  fields: Record<string, string>,
  { cookie, ip = freshIp() }: { cookie?: string; ip?: string } = {},
): Request {
  const headers = new Headers({
    "Content-Type": "application/x-www-form-urlencoded",
    "User-Agent": "vitest auth suite",
    ...TEST_LANGUAGE_HEADER,
    // What the HTTP layer stamps from the socket (see client-address.server.ts).
    [CLIENT_ADDRESS_HEADER]: ip,
  });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`${TEST_APP_URL}${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields),
  });
}

/** The "name=value" part of a Set-Cookie header, for sending back. */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error("no Set-Cookie header");
  return setCookie.split(";")[0] ?? "";
}

/**
 * A migrated database for the file's tests, dropped after them. Rate limits count per client
 * address and account, so tests stay apart by using fresh addresses and emails; the limit is 5
 * attempts a minute per client.
 */
export function withAuthTestDatabase(): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await setupTestApp({ env: { RATE_LIMIT_PER_MINUTE: "5" } });
  });
  afterAll(async () => {
    await app?.close();
  });
}
