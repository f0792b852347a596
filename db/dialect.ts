import type { ColumnDefinitionBuilder, Kysely, RawBuilder, SelectQueryBuilder } from "kysely";
import { PostgresAdapter, sql } from "kysely";

// Everything that differs between the two backends lives here: which one a Kysely instance
// talks to, the column types and defaults the migrations use, how a write transaction starts,
// which errors are worth a retry, and the row-locking clauses. Application code calls these
// helpers and stays the same on both.

export type Dialect = "sqlite" | "postgres";

/** postgres:// and postgresql:// URLs select PostgreSQL; anything else is a SQLite file path. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function dialectOf<D>(db: Kysely<D>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

export function isPostgres<D>(db: Kysely<D>): boolean {
  return dialectOf(db) === "postgres";
}

// Schema ----------------------------------------------------------------------------------------

/**
 * Time columns: ISO-8601 text on SQLite, timestamptz on PostgreSQL. The Postgres connection
 * reads timestamptz back as the same ISO-8601 UTC string (db/connection.ts), so the app sees
 * one representation on both.
 */
export function timestampType<D>(db: Kysely<D>): "text" | "timestamptz" {
  return isPostgres(db) ? "timestamptz" : "text";
}

/** The database's own "now" as a column default, in the column's representation. */
export function nowDefault<D>(db: Kysely<D>): RawBuilder<unknown> {
  return isPostgres(db) ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
}

/** An integer primary key the database numbers: AUTOINCREMENT on SQLite, an identity column on Postgres. */
export function autoId<D>(
  db: Kysely<D>,
): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return isPostgres(db)
    ? (c) => c.primaryKey().generatedByDefaultAsIdentity()
    : (c) => c.primaryKey().autoIncrement();
}

/**
 * After rows were copied with their ids into `table` (a table rebuild), its id sequence must
 * continue after the highest id on Postgres, or the next insert would collide; SQLite's
 * AUTOINCREMENT follows max(id) by itself.
 */
export async function restartIdentityAfter<D>(db: Kysely<D>, table: string): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(
    db,
  );
}

// Transactions ----------------------------------------------------------------------------------

/** A write transaction is tried this many times in all when the database asks for a retry. */
export const MAX_TRANSACTION_ATTEMPTS = 8;
const RETRY_BASE_MS = 5;
const RETRY_CAP_MS = 250;

/** Postgres's serialization_failure and deadlock_detected: the transaction rolled back and may simply run again. */
const RETRYABLE_PG_CODES = new Set(["40001", "40P01"]);

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE_PG_CODES.has(code);
}

/** Full-jitter exponential backoff before attempt `attempt + 1`. */
export function retryDelayMs(attempt: number): number {
  return Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
}

/**
 * Runs `fn` in one write transaction. SQLite: BEGIN IMMEDIATE takes the write lock up front
 * (a deferred transaction that reads and then writes can fail with SQLITE_BUSY when another
 * process wrote in between; taking the lock first makes writers wait on busy_timeout instead).
 * PostgreSQL: READ COMMITTED, with the read-then-write paths locking their rows (forUpdate),
 * run again with a bounded, jittered backoff on serialization failures and deadlocks.
 * `fn` must only await database work (no network I/O, no rendering): it may run more than once.
 */
export async function writeTransaction<D, T>(
  db: Kysely<D>,
  fn: (trx: Kysely<D>) => Promise<T>,
): Promise<T> {
  if (!isPostgres(db)) return withCommitHooks((hooks) => sqliteImmediateTransaction(db, hooks, fn));
  for (let attempt = 1; ; attempt++) {
    try {
      // Each attempt collects its own hooks: those of a rolled-back attempt are dropped.
      return await withCommitHooks((hooks) =>
        db.transaction().execute((trx) => {
          commitHooks.set(trx, hooks);
          return fn(trx);
        }),
      );
    } catch (error) {
      if (!isRetryableTransactionError(error) || attempt >= MAX_TRANSACTION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
  }
}

async function sqliteImmediateTransaction<D, T>(
  db: Kysely<D>,
  hooks: CommitHook[],
  fn: (trx: Kysely<D>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    commitHooks.set(conn, hooks);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    } finally {
      commitHooks.delete(conn);
    }
  });
}

// Outages --------------------------------------------------------------------------------------

/** Postgres codes that mean "not now": the server is unreachable, restarting or overloaded. */
const UNAVAILABLE_PG_CODE = /^(08|53|57P)|^57014$/;
const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable|Client was closed|The database is closed|Cannot use a pool after calling end/i;

/**
 * True when `error` says the database cannot be used right now rather than that the work was
 * wrong: Postgres unreachable, restarting, refusing connections or cancelling a statement that
 * ran past statement_timeout; SQLite's write lock held by another process; the database closed
 * by a shutdown. The caller answers 503 (a page) or 5xx (a webhook: Stripe retries) at once,
 * without a second write that would wait again (decision 0019).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string") {
      if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_PG_CODE.test(code)) return true;
      if (UNAVAILABLE_NODE_CODES.has(code)) return true;
      if (code.startsWith("SQLITE_BUSY") || code === "SQLITE_LOCKED") return true;
    }
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
    e = cause;
  }
  return false;
}

type CommitHook = () => void;
/** The hooks of each open write transaction, by the Kysely instance its work runs on. */
const commitHooks = new WeakMap<object, CommitHook[]>();

async function withCommitHooks<T>(run: (hooks: CommitHook[]) => Promise<T>): Promise<T> {
  const hooks: CommitHook[] = [];
  const result = await run(hooks);
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      console.error("A commit hook failed:", error);
    }
  }
  return result;
}

/**
 * Runs `hook` once the write transaction `db` belongs to has committed (never when it rolls
 * back, once however often it was retried), or at once when `db` is not a writeTransaction's
 * (the write it follows committed by itself). For work that must see the committed rows, such
 * as waking the email dispatcher; the hook must not throw nor await.
 */
export function afterCommit<D>(db: Kysely<D>, hook: CommitHook): void {
  const hooks = commitHooks.get(db);
  if (hooks) hooks.push(hook);
  else hook();
}

// Constraint errors ---------------------------------------------------------------------------

/**
 * True when `error` is a unique-constraint violation, on either backend: SQLite's
 * SQLITE_CONSTRAINT_UNIQUE (message "UNIQUE constraint failed: users.email") or Postgres's
 * 23505 (constraint "users_email_key"). With `column` ("users.email"), only a violation of that
 * column's unique index counts.
 */
export function isUniqueViolation(error: unknown, column?: `${string}.${string}`): boolean {
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown; table?: unknown };
  if (typeof e !== "object" || e === null) return false;
  if (typeof e.code === "string" && e.code.startsWith("SQLITE_CONSTRAINT")) {
    const message = typeof e.message === "string" ? e.message : "";
    return (
      /UNIQUE constraint failed|PRIMARY KEY/i.test(message) &&
      (column === undefined || message.includes(column))
    );
  }
  if (e.code === "23505") {
    if (column === undefined) return true;
    const [table, name] = column.split(".");
    // Postgres names a column's unique constraint <table>_<column>_key, an index as created.
    return (
      typeof e.constraint === "string" &&
      (e.constraint === `${table}_${name}_key` || e.constraint.includes(`${table}_${name}`))
    );
  }
  return false;
}

// Queries -------------------------------------------------------------------------------------

/** LIKE ignoring case, as SQLite's LIKE does for ASCII letters: ILIKE on Postgres. */
export function likeIgnoringCase<D>(db: Kysely<D>): RawBuilder<unknown> {
  return sql.raw(isPostgres(db) ? "ilike" : "like");
}

// Row locks -------------------------------------------------------------------------------------

/**
 * SELECT ... FOR UPDATE on Postgres: the row stays locked until the transaction ends, so a
 * concurrent transaction on another instance that reads it to write waits, then sees the
 * committed result. On SQLite the write transaction already holds the one write lock.
 */
export function forUpdate<D, DB, TB extends keyof DB, O>(
  db: Kysely<D>,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return isPostgres(db) ? query.forUpdate() : query;
}

/** FOR UPDATE SKIP LOCKED on Postgres (rows another worker is claiming are passed over). */
export function forUpdateSkipLocked<D, DB, TB extends keyof DB, O>(
  db: Kysely<D>,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return isPostgres(db) ? query.forUpdate().skipLocked() : query;
}
