import type { HeadersFunction } from "@remix-run/node";
import { clientAddress } from "./client-address.server";
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
  hit(key: string, now?: number): RateLimitResult;
  reset(): void;
}

/**
 * A sliding-window log in memory: each key keeps the times of its last `limit` attempts. One
 * process only; behind several instances each would count on its own.
 */
export function createRateLimiter({ limit, windowMs, maxKeys }: RateLimiterOptions): RateLimiter {
  const hits = new Map<string, number[]>();

  return {
    hit(key, now = Date.now()) {
      const recent = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
      // Re-inserting moves the key to the end of the Map's order, so the first key is the least recently seen.
      hits.delete(key);
      if (recent.length >= limit) {
        hits.set(key, recent);
        const oldest = recent[0] ?? now;
        return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
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
    reset() {
      hits.clear();
    },
  };
}

const holder = globalThis as typeof globalThis & { __authRateLimiter?: RateLimiter };

function authLimiter(): RateLimiter {
  holder.__authRateLimiter ??= createRateLimiter({ limit: env().rateLimitPerMinute, windowMs: 60_000, maxKeys: 10_000 });
  return holder.__authRateLimiter;
}

/** Counts one attempt at `action` ("login", "register") by this client. */
export function checkRateLimit(request: Request, action: string): RateLimitResult {
  return authLimiter().hit(`${action}:${clientAddress(request, env().trustProxy)}`);
}

/** Forgets every count (tests). */
export function resetRateLimits(): void {
  holder.__authRateLimiter = undefined;
}

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
