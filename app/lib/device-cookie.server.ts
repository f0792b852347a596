import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { Cookie } from "@remix-run/node";
import { env } from "./env.server";

/**
 * OWASP's device cookies ("Slow Down Online Guessing Attacks with Device Cookies"): a browser
 * that has signed in to an account before carries a signed cookie naming that account, and its
 * failed logins are counted on their own. Strangers share the account's other counter, so ten
 * wrong passwords from anywhere lock them out but not the owner's known browsers (decision 0018).
 */
export const DEVICE_COOKIE_NAME = "__device";
const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;
/** Accounts one browser is remembered for (a shared computer); the oldest is dropped beyond. */
const MAX_ACCOUNTS_PER_DEVICE = 5;

export interface Device {
  /** random id of this browser's cookie */
  id: string;
  /** accountKey() of each account signed in from it, most recent last */
  accounts: string[];
}

let cached: { key: string; cookie: Cookie } | undefined;

function deviceCookie(): Cookie {
  const config = env();
  const secure = config.appUrl.startsWith("https:");
  const key = `${config.sessionSecrets.join(",")}|${secure}`;
  if (cached?.key !== key) {
    cached = {
      key,
      // Signed with the session secrets: a client cannot name an account it never signed in to.
      cookie: createCookie(DEVICE_COOKIE_NAME, {
        secrets: config.sessionSecrets,
        httpOnly: true,
        sameSite: "lax",
        secure,
        // Only the login form reads it.
        path: "/login",
        maxAge: DEVICE_MAX_AGE_SECONDS,
      }),
    };
  }
  return cached.cookie;
}

/** What a device cookie stores for an account: not the email itself. */
export function accountKey(normalizedEmail: string): string {
  return createHash("sha256").update(`device:${normalizedEmail}`).digest("base64url").slice(0, 22);
}

/** The request's device cookie when its signature holds and its shape is right, else null. */
export async function readDevice(request: Request): Promise<Device | null> {
  let value: unknown;
  try {
    value = await deviceCookie().parse(request.headers.get("Cookie"));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { id, accounts } = value as { id?: unknown; accounts?: unknown };
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
  if (!Array.isArray(accounts) || accounts.length > MAX_ACCOUNTS_PER_DEVICE) return null;
  if (!accounts.every((a): a is string => typeof a === "string" && a.length <= 64)) return null;
  return { id, accounts };
}

/** The Set-Cookie value remembering that this browser signed in to `normalizedEmail`. */
export async function rememberDevice(request: Request, normalizedEmail: string): Promise<string> {
  const device = await readDevice(request);
  const key = accountKey(normalizedEmail);
  const accounts = [...(device?.accounts ?? []).filter((a) => a !== key), key].slice(
    -MAX_ACCOUNTS_PER_DEVICE,
  );
  return deviceCookie().serialize({
    id: device?.id ?? randomBytes(16).toString("base64url"),
    accounts,
  } satisfies Device);
}

/** The id of the request's device when it has signed in to `normalizedEmail` before, else null. */
export async function knownDeviceFor(
  request: Request,
  normalizedEmail: string,
): Promise<string | null> {
  const device = await readDevice(request);
  return device?.accounts.includes(accountKey(normalizedEmail)) ? device.id : null;
}
