import { remember } from "@epic-web/remember";
import type { HeadersFunction } from "@remix-run/node";
import { forUpdate, writeTransaction } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { clientAddress, rateLimitKey } from "./client-address.server";
import { db as appDb } from "./db.server";
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
 * process only (the app's limits use createSharedRateLimiter below, in the database).
 */
export function createRateLimiter({ limit, windowMs, maxKeys }: RateLimiterOptions): RateLimiter {
  const hits = new Map<string, number[]>();

  const recentOf = (key: string, now: number) =>
    (hits.get(key) ?? []).filter((t) => t > now - windowMs);
  const refused = (recent: number[], now: number): RateLimitResult => {
    const oldest = recent[0] ?? now;
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
    };
  };

  return {
    check(key, now = Date.now()) {
      const recent = recentOf(key, now);
      return recent.length >= limit
        ? refused(recent, now)
        : { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
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

/**
 * The same sliding-window log, kept in the rate_limits table so that every app instance on the
 * database counts against one limit (per-process memory would give each instance its own).
 * Each key is one row holding the times of its recent attempts; a hit reads and writes it in
 * one write transaction with the row locked (FOR UPDATE on Postgres), so concurrent attempts
 * on several instances are counted one after the other.
 */
export interface SharedRateLimiter {
  hit(key: string, now?: number): Promise<RateLimitResult>;
  check(key: string, now?: number): Promise<RateLimitResult>;
  clear(key: string): Promise<void>;
}

export function createSharedRateLimiter(
  db: () => DB,
  { name, limit, windowMs }: { name: string; limit: number; windowMs: number },
): SharedRateLimiter {
  const rowKey = (key: string) => `${name}:${key}`;
  const recentOf = (hits: string | undefined, now: number) =>
    (hits ? (JSON.parse(hits) as number[]) : []).filter((t) => t > now - windowMs);
  const result = (recent: number[], now: number): RateLimitResult => {
    if (recent.length < limit)
      return { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
    const oldest = recent[0] ?? now;
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
    };
  };
  return {
    async check(key, now = Date.now()) {
      const row = await db()
        .selectFrom("rate_limits")
        .select("hits")
        .where("key", "=", rowKey(key))
        .executeTakeFirst();
      return result(recentOf(row?.hits, now), now);
    },
    async clear(key) {
      await db().deleteFrom("rate_limits").where("key", "=", rowKey(key)).execute();
    },
    hit(key, now = Date.now()) {
      return writeTransaction(db(), async (trx) => {
        const id = rowKey(key);
        const expiresAt = new Date(now + windowMs).toISOString();
        await trx
          .insertInto("rate_limits")
          .values({ key: id, hits: "[]", expires_at: expiresAt })
          .onConflict((oc) => oc.column("key").doNothing())
          .execute();
        const row = await forUpdate(
          trx,
          trx.selectFrom("rate_limits").select("hits").where("key", "=", id),
        ).executeTakeFirst();
        const recent = recentOf(row?.hits, now);
        const before = result(recent, now);
        if (!before.allowed) return before;
        recent.push(now);
        await trx
          .updateTable("rate_limits")
          .set({ hits: JSON.stringify(recent), expires_at: expiresAt })
          .where("key", "=", id)
          .execute();
        return { allowed: true, remaining: limit - recent.length, retryAfterSeconds: 0 };
      });
    },
  };
}

/** Deletes the windows nobody hit for a whole window (the sweep runs it); returns how many. */
export async function pruneRateLimits(db: DB, now: Date): Promise<number> {
  const result = await db
    .deleteFrom("rate_limits")
    .where("expires_at", "<", now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Failed logins allowed per account (email) in FAILED_LOGIN_WINDOW_MS, whatever the address. */
export const FAILED_LOGIN_LIMIT = 10;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60 * 1000;

interface AuthLimiters {
  perClient: SharedRateLimiter;
  failedLoginsPerAccount: SharedRateLimiter;
}

function authLimiters(): AuthLimiters {
  return remember("auth-rate-limiters", (): AuthLimiters => ({
    perClient: createSharedRateLimiter(appDb, {
      name: "client",
      limit: env().rateLimitPerMinute,
      windowMs: 60_000,
    }),
    failedLoginsPerAccount: createSharedRateLimiter(appDb, {
      name: "failed-login",
      limit: FAILED_LOGIN_LIMIT,
      windowMs: FAILED_LOGIN_WINDOW_MS,
    }),
  }));
}

/** Counts one attempt at `action` ("login", "register") by this client (an IPv6 client by its /64), on every instance. */
export function checkRateLimit(request: Request, action: string): Promise<RateLimitResult> {
  return authLimiters().perClient.hit(
    `${action}:${rateLimitKey(clientAddress(request, env().trustProxy))}`,
  );
}

/**
 * Failed logins to one account are counted apart for each browser that has signed in to it
 * before (its device cookie, see device-cookie.server.ts) and together for every other client.
 * Past the limit a counter answers 429 until the window moves on: strangers guessing from any
 * number of addresses exhaust the shared counter, while the owner's known browsers keep their
 * own. A known browser that exhausts its own counter is counted with the strangers.
 */
export const failedLogins = {
  async check(
    email: string,
    knownDeviceId: string | null,
  ): Promise<{ counter: string; limit: RateLimitResult }> {
    const limiter = authLimiters().failedLoginsPerAccount;
    if (knownDeviceId !== null) {
      const counter = `device:${knownDeviceId}:${email}`;
      const limit = await limiter.check(counter);
      if (limit.allowed) return { counter, limit };
    }
    const counter = `account:${email}`;
    return { counter, limit: await limiter.check(counter) };
  },
  record: async (counter: string) =>
    void (await authLimiters().failedLoginsPerAccount.hit(counter)),
  clear: (counter: string) => authLimiters().failedLoginsPerAccount.clear(counter),
};

/**
 * The `headers` export of a route whose action or loader is rate limited: their headers reach
 * the document only through it, and the 429 answer needs Retry-After.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

/** Retry-After for a refusal that carries retryAfterSeconds, else nothing. */
export function retryAfter(result: object): HeadersInit | undefined {
  const seconds = (result as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === "number" ? { "Retry-After": String(seconds) } : undefined;
}
