import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SQLite from "better-sqlite3";
import type { SqliteDatabase } from "kysely";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { isPostgresUrl } from "./dialect";
import type { Database } from "./schema";

const STATEMENT_CACHE_SIZE = 200;

export function openSqlite(path: string): SQLite.Database {
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma("journal_mode = WAL");
  // An acknowledged webhook is never redelivered, so its effects must survive power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  return sqlite;
}

/**
 * Kysely prepares every query anew; the app sends the same few dozen SQL strings over and over,
 * so prepared statements are kept in a small LRU cache. Safe on one connection because each
 * statement runs to completion before the next query starts (the app does not stream rows).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
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

export function createPostgresPool(url: string, poolSize: number = DEFAULT_POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: pgTypes,
    application_name: "talents-acting-payments",
  });
  // An idle connection the server dropped emits here; without a listener the process would exit.
  pool.on("error", (error) => console.error("PostgreSQL idle connection error:", error.message));
  return pool;
}

export interface DatabaseOptions {
  /** PostgreSQL only: the most connections this process opens */
  poolSize?: number;
}

/** A Kysely instance on PostgreSQL for postgres:// and postgresql:// URLs, else on the SQLite file at `url`. */
export function createDatabase(url: string, options: DatabaseOptions = {}): Kysely<Database> {
  if (isPostgresUrl(url)) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: createPostgresPool(url, options.poolSize ?? poolSizeFromEnv()),
      }),
    });
  }
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(openSqlite(url)) }),
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
