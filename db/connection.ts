import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { Kysely, PostgresDialect, SqliteDialect, type PostgresPool } from "kysely";
import pg from "pg";
import { isPostgresUrl } from "./dialect";
import type { Database, DB } from "./schema";

const STATEMENT_CACHE_SIZE = 200;

/** How long a statement waits for another process's write lock when nothing else is said. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

export function openSqlite(path: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): SQLite.Database {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  // An acknowledged webhook is never redelivered, so its effects must survive power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return sqlite;
}

/**
 * After a write found the lock held by another process, writes fail at once for this long
 * instead of each blocking the server's only thread for the busy timeout again (decision 0019).
 */
const SQLITE_BUSY_BACKOFF_MS = 1_000;

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code === "SQLITE_LOCKED");
}

function lockHeldError(): Error {
  return Object.assign(
    new Error("database is locked by another process (not waiting again for a moment)"),
    { code: "SQLITE_BUSY" },
  );
}

/**
 * Kysely prepares every query anew; the app sends the same few dozen SQL strings over and over,
 * so prepared statements are kept in a small LRU cache. Safe on one connection because each
 * statement runs to completion before the next query starts (the app does not stream rows).
 * With `failFastAfterBusy`, a write that met SQLITE_BUSY makes the writes of the next second
 * fail at once with SQLITE_BUSY (reads go on: WAL readers never wait for the writer).
 */
function withStatementCache(sqlite: SQLite.Database, failFastAfterBusy: boolean): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  let busyUntil = 0;
  const guarded = (sql: string, statement: SQLite.Statement): SqliteStatement => {
    // SQLite counts BEGIN as read-only, yet BEGIN IMMEDIATE is where a write transaction waits.
    if (!failFastAfterBusy || (statement.readonly && !/^\s*begin\s+immediate/i.test(sql)))
      return statement;
    const write = <T>(fn: () => T): T => {
      if (Date.now() < busyUntil) throw lockHeldError();
      try {
        return fn();
      } catch (error) {
        if (isSqliteBusy(error)) busyUntil = Date.now() + SQLITE_BUSY_BACKOFF_MS;
        throw error;
      }
    };
    return {
      reader: statement.reader,
      all: (parameters) => write(() => statement.all(parameters)),
      run: (parameters) => write(() => statement.run(parameters)),
      iterate: (parameters) => write(() => statement.iterate(parameters)),
    };
  };
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = guarded(sql, sqlite.prepare(sql));
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}

/** Connections a process keeps to PostgreSQL when DATABASE_POOL_SIZE is not set (a 2-core host). */
export const DEFAULT_POOL_SIZE = 5;

const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

/**
 * Postgres hands timestamptz back as the same ISO-8601 UTC string the app writes (and SQLite
 * returns), and count(*)'s bigint as a number: the app sees one representation on both.
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === TIMESTAMPTZ_OID && format !== "binary") {
      const parseDate = pg.types.getTypeParser(TIMESTAMPTZ_OID, "text");
      return (value: string) => (parseDate(value) as Date).toISOString();
    }
    if (oid === INT8_OID && format !== "binary") return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format ?? "text");
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * How long the database may keep a caller waiting. The server's defaults are short: while the
 * database is unreachable a webhook must answer 5xx well inside Stripe's timeout and a page a
 * quick 503, and a connection that stopped answering must be dropped rather than hang requests
 * for good (decision 0019). The CLIs take longer ones (a migration may rebuild a large index).
 */
export interface DatabaseTimeouts {
  /** PostgreSQL: connecting, and waiting for a free pooled connection */
  connectMs: number;
  /** PostgreSQL: a statement is cancelled by the server after this (statement_timeout; 0 = none) */
  statementMs: number;
  /** PostgreSQL: the client gives up on an answer after this and destroys the connection (0 = none) */
  queryMs: number;
  /** SQLite: how long a write waits for another process's lock (busy_timeout) */
  busyMs: number;
}

/** The web server's bounds. */
export const SERVER_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 3_000,
  statementMs: 5_000,
  queryMs: 6_000,
  busyMs: 250,
};

/** Commands and tests: they may wait their turn; their statements may be long. */
export const TOOL_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  statementMs: 0,
  queryMs: 0,
  busyMs: DEFAULT_BUSY_TIMEOUT_MS,
};

/** Something that reports a connection the pool dropped; console.error unless the app passes its logger. */
export type ConnectionErrorReporter = (message: string, error: Error) => void;

const defaultReporter: ConnectionErrorReporter = (message, error) =>
  console.error(`${message}: ${error.message}`);

/**
 * Errors after which the client's state is unknown (its socket broke or a reply never came):
 * the connection is destroyed instead of going back to the pool. A statement the server
 * cancelled (statement_timeout) or refused leaves the connection usable.
 */
function leavesConnectionBroken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return /^(08|57P)/.test(code);
  return true;
}

export function createPostgresPool(
  url: string,
  poolSize: number = DEFAULT_POOL_SIZE,
  timeouts: DatabaseTimeouts = TOOL_TIMEOUTS,
  report: ConnectionErrorReporter = defaultReporter,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: pgTypes,
    application_name: "talents-acting-payments",
    connectionTimeoutMillis: timeouts.connectMs,
    ...(timeouts.statementMs > 0
      ? {
          statement_timeout: timeouts.statementMs,
          // a transaction left open by a stuck client must not hold its row locks for long
          idle_in_transaction_session_timeout: Math.max(10_000, timeouts.statementMs * 2),
        }
      : {}),
    ...(timeouts.queryMs > 0 ? { query_timeout: timeouts.queryMs } : {}),
    // A peer that vanished (a failover, a dropped NAT entry) is noticed on idle connections too.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // pg-pool listens for errors only on idle clients and removes that listener while a client is
  // checked out; a checked-out connection the server drops (a restart, a failover, "terminating
  // connection due to administrator command") would emit an uncaught 'error' and end the
  // process. Every client gets its own listener for its whole life.
  pool.on("connect", (client) => {
    client.on("error", (error) => report("PostgreSQL connection lost", error));
  });
  pool.on("error", (error) => report("PostgreSQL idle connection error", error));
  return pool;
}

/**
 * The pool as Kysely sees it: a client whose query failed in a way that leaves it broken is
 * released with an error, which makes pg-pool destroy it (its socket is closed at once, so a
 * frozen connection is not left waiting), instead of being handed to the next request.
 */
function discardingBrokenClients(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect();
      let broken: Error | undefined;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      return Object.assign(Object.create(client) as pg.PoolClient, {
        query: (...args: unknown[]) =>
          query(...args).catch((error: unknown) => {
            if (leavesConnectionBroken(error)) broken ??= error as Error;
            throw error;
          }),
        release: () => {
          if (broken) {
            (
              client as unknown as { connection?: { stream?: { destroy(): void } } }
            ).connection?.stream?.destroy();
          }
          client.release(broken);
        },
      });
    },
    end: () => pool.end(),
  };
}

export interface DatabaseOptions {
  /** PostgreSQL only: the most connections this process opens */
  poolSize?: number;
  /** the bounds on waiting; TOOL_TIMEOUTS unless the web server passes SERVER_TIMEOUTS */
  timeouts?: DatabaseTimeouts;
  /** where dropped PostgreSQL connections are reported */
  onConnectionError?: ConnectionErrorReporter;
}

/** A Kysely instance on PostgreSQL for postgres:// and postgresql:// URLs, else on the SQLite file at `url`. */
export function createDatabase(url: string, options: DatabaseOptions = {}): DB {
  const timeouts = options.timeouts ?? TOOL_TIMEOUTS;
  if (isPostgresUrl(url)) {
    const pool = createPostgresPool(
      url,
      options.poolSize ?? poolSizeFromEnv(),
      timeouts,
      options.onConnectionError,
    );
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: discardingBrokenClients(pool) }),
    });
  }
  // A short busy timeout is the server's: it then stops waiting on a held lock for a moment.
  const failFast = timeouts.busyMs < DEFAULT_BUSY_TIMEOUT_MS;
  return new Kysely<Database>({
    dialect: new SqliteDialect({
      database: withStatementCache(openSqlite(url, timeouts.busyMs), failFast),
    }),
  });
}

function poolSizeFromEnv(): number {
  const value = Number(process.env.DATABASE_POOL_SIZE);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_POOL_SIZE;
}

/** The URL for logs: a Postgres URL without its password. */
export function describeDatabaseUrl(url: string): string {
  if (!isPostgresUrl(url) || !URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}
