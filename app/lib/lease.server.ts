import { randomUUID } from "node:crypto";
import type { DB } from "../../db/schema";

export type LeaseOutcome<T> = { ran: true; result: T } | { ran: false };

export interface LeaseOptions {
  now?: () => Date;
  /**
   * Keep the lease after a successful run until it expires, so that the job runs once per
   * `ttlMs` across all instances (a daily job), instead of giving it back at once.
   */
  holdAfterRun?: boolean;
}

/**
 * Runs `fn` only when this process gets the lease `name`, so a periodic job that every app
 * instance schedules runs on one of them at a time. The lease is taken with one upsert that
 * succeeds only when nobody holds it or the holder's lease expired (a crashed instance's
 * lease lapses after `ttlMs`), and given back when `fn` ends. `ttlMs` must exceed the job's
 * longest run. The same on SQLite and PostgreSQL.
 */
export async function withLease<T>(
  db: DB,
  name: string,
  ttlMs: number,
  fn: () => Promise<T>,
  options: LeaseOptions = {},
): Promise<LeaseOutcome<T>> {
  const now = options.now ?? (() => new Date());
  const holder = randomUUID();
  const start = now();
  const expiresAt = new Date(start.getTime() + ttlMs).toISOString();
  const taken = await db
    .insertInto("job_leases")
    .values({ name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where("job_leases.expires_at", "<=", start.toISOString()),
    )
    .returning("holder")
    .executeTakeFirst();
  if (taken?.holder !== holder) return { ran: false };
  const release = () =>
    db.deleteFrom("job_leases").where("name", "=", name).where("holder", "=", holder).execute();
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await release();
    throw error;
  }
  if (!options.holdAfterRun) await release();
  return { ran: true, result };
}
