// Imported first by the integration tests: points the app at a fresh SQLite file before any
// app module reads the configuration. run/args/getRequest come from tests/support/requests;
// formRequest here differs: each request comes from its own client address.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { db } from "../../app/lib/db.server";
import { migrateToLatest } from "../../db/migrator";

export const tempDir = mkdtempSync(join(tmpdir(), "auth-test-"));
process.env.DATABASE_URL = join(tempDir, "app.db");
process.env.PASSWORD_HASH_COST = "test";
process.env.RATE_LIMIT_PER_MINUTE = "5";
process.env.PRICING_CURRENCY = "MAD";
delete process.env.APP_URL;
delete process.env.SESSION_SECRET;

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
    // What the HTTP layer stamps from the socket (see client-address.server.ts).
    [CLIENT_ADDRESS_HEADER]: ip,
  });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost:3000${path}`, {
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
 * A migrated database for the file's tests, closed after them. Rate limits count per client
 * address and account, so tests stay apart by using fresh addresses and emails.
 */
export function withAuthTestDatabase(): void {
  beforeAll(async () => {
    await migrateToLatest(db());
  });
  afterAll(async () => {
    await db().destroy();
  });
}
