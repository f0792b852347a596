import type { HeadersFunction } from "@remix-run/node";
import { clientAddress, rateLimitKey } from "./client-address.server";
import { env } from "./env.server";

export interface RateLimitResult {
  allowed: boolean;
  /** attempts left in the current window after this one */
  remaining: number;
  /** whole seconds until the next attempt is allowed (0 when allowed) */
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  /** keys kept in memory; the least recently seen key is dropped beyond this */
  maxKeys: number;
}

export interface RateLimiter {
  /** counts an attempt by `key` when allowed */
  hit(key: string, now?: number): RateLimitResult;
  /** whether `key` may try now, without counting */
  check(key: string, now?: number): RateLimitResult;
  /** forgets `key` (a successful login clears its failures) */
  clear(key: string): void;
}

/**
 * A sliding-window log in memory: each key keeps the times of its last `limit` attempts. One
 * process only; behind several instances each would count on its own.
 */
export function createRateLimiter({ limit, windowMs, maxKeys }: RateLimiterOptions): RateLimiter {
  const hits = new Map<string, number[]>();

  const recentOf = (key: string, now: number) => (hits.get(key) ?? []).filter((t) => t > now - windowMs);
  const refused = (recent: number[], now: number): RateLimitResult => {
    const oldest = recent[0] ?? now;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
  };

  return {
    check(key, now = Date.now()) {
      const recent = recentOf(key, now);
      return recent.length >= limit ? refused(recent, now) : { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
    },
    clear(key) {
      hits.delete(key);
    },
    hit(key, now = Date.now()) {
      const recent = recentOf(key, now);
      // Re-inserting moves the key to the end of the Map's order, so the first key is the least recently seen.
      hits.delete(key);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return refused(recent, now);
      }
      recent.push(now);
      hits.set(key, recent);
      while (hits.size > maxKeys) {
        const first = hits.keys().next().value;
        if (first === undefined) break;
        hits.delete(first);
      }
      return { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
    },
  };
}

/** Failed logins allowed per account (email) in FAILED_LOGIN_WINDOW_MS, whatever the address. */
export const FAILED_LOGIN_LIMIT = 10;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60 * 1000;

interface AuthLimiters {
  perClient: RateLimiter;
  failedLoginsPerAccount: RateLimiter;
}
const holder = globalThis as typeof globalThis & { __authRateLimiters?: AuthLimiters };

function authLimiters(): AuthLimiters {
  holder.__authRateLimiters ??= {
    perClient: createRateLimiter({ limit: env().rateLimitPerMinute, windowMs: 60_000, maxKeys: 10_000 }),
    failedLoginsPerAccount: createRateLimiter({ limit: FAILED_LOGIN_LIMIT, windowMs: FAILED_LOGIN_WINDOW_MS, maxKeys: 50_000 }),
  };
  return holder.__authRateLimiters;
}

/** Counts one attempt at `action` ("login", "register") by this client (an IPv6 client by its /64). */
export function checkRateLimit(request: Request, action: string): RateLimitResult {
  return authLimiters().perClient.hit(`${action}:${rateLimitKey(clientAddress(request, env().trustProxy))}`);
}

/**
 * Failed logins to one account, from any address. Past the limit the account's logins are
 * answered 429 until the window moves on; the owner is never locked out for longer than that.
 */
export const failedLogins = {
  check: (email: string) => authLimiters().failedLoginsPerAccount.check(email),
  record: (email: string) => void authLimiters().failedLoginsPerAccount.hit(email),
  clear: (email: string) => authLimiters().failedLoginsPerAccount.clear(email),
};

/** "in about a minute", "in 25 seconds": for the 429 page. */
export function retryAfterText(seconds: number): string {
  if (seconds >= 55) return `in about ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}`;
  return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
}

/**
 * The `headers` export of a route whose action is rate limited: action headers reach the
 * document only through it, and the 429 answer needs Retry-After.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
