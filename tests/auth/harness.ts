// Imported first by the integration tests: points the app at a fresh SQLite file before any
// app module reads the configuration.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
    "X-Forwarded-For": `${ip}, 10.0.0.1`,
  });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`http://localhost:3000${path}`, { method: "POST", headers, body: new URLSearchParams(fields) });
}

export function getRequest(path: string, cookie?: string): Request {
  return new Request(`http://localhost:3000${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

export interface Outcome<T = unknown> {
  status: number;
  headers: Headers;
  data: T | null;
}

function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

/**
 * Runs a loader or action and answers status, headers and data whether it returned a Response,
 * a data() value or a plain object, or threw a Response.
 */
export async function run<T = Record<string, unknown>>(fn: () => Promise<unknown> | unknown): Promise<Outcome<T>> {
  let result: unknown;
  try {
    result = await fn();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, headers: result.headers, data: null };
  if (isDataWithInit(result)) {
    return { status: result.init?.status ?? 200, headers: new Headers(result.init?.headers), data: result.data as T };
  }
  return { status: 200, headers: new Headers(), data: result as T };
}

/** The "name=value" part of a Set-Cookie header, for sending back. */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error("no Set-Cookie header");
  return setCookie.split(";")[0] ?? "";
}

export const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
