// Shared integration-test setup: a fresh database (a SQLite file in a temp folder, or with
// TEST_BACKEND=postgres a new database on TEST_DATABASE_URL's server), the app's configuration
// pointed at it (and at a Stripe stand-in when one runs), migrations applied.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import pg from "pg";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import type { Database } from "../../db/schema";
import { db } from "../../app/lib/db.server";
import { env } from "../../app/lib/env.server";

export const TEST_APP_URL = "http://localhost:3000";
/** The first signs (as the stand-in does); the second is accepted too, as during a rotation. */
export const TEST_WEBHOOK_SECRETS = [
  "whsec_test_primary_secret",
  "whsec_test_rotated_secret",
] as const;

export interface TestApp {
  dir: string;
  /** DATABASE_URL of this test: a SQLite file in `dir`, or a Postgres URL */
  dbPath: string;
  /** the app's own Kysely instance (db()), pointed at this test's file */
  db: Kysely<Database>;
  appUrl: string;
  webhookSecrets: readonly string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** origin of the Stripe API the app talks to; default an unreachable local port */
  stripeApiBase?: string;
  /** extra or overriding environment variables */
  env?: Record<string, string | undefined>;
}

export function makeTempDir(prefix = "payments-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The backend this test process runs on: the Vitest project "postgres" sets TEST_BACKEND. */
export const testBackend: "sqlite" | "postgres" =
  process.env.TEST_BACKEND === "postgres" ? "postgres" : "sqlite";

export interface TestDatabase {
  /** a SQLite path or a postgres:// URL, as DATABASE_URL takes it */
  url: string;
  /** removes the database (the SQLite file goes with its folder) */
  drop(): Promise<void>;
}

async function onAdminConnection<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      "TEST_BACKEND=postgres needs TEST_DATABASE_URL (postgres://user@host:port/db of a server this test may create databases on)",
    );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The names of `table`'s indexes, on either backend (for migration tests). */
export async function indexNames<D>(db: Kysely<D>, table: string): Promise<string[]> {
  const query =
    testBackend === "postgres"
      ? sql<{ name: string }>`select indexname as name from pg_indexes where tablename = ${table}`
      : sql<{
          name: string;
        }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/**
 * The plan the test backend chooses for `query` (SQLite's EXPLAIN QUERY PLAN details, or
 * Postgres's EXPLAIN with sequential scans disabled, since on a table of a few rows Postgres
 * rightly prefers a scan: what matters is that an index can serve the query).
 */
export async function queryPlan<D>(db: Kysely<D>, query: string): Promise<string> {
  if (testBackend === "sqlite") {
    return (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(db)).rows
      .map((r) => r.detail)
      .join(" | ");
  }
  return db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      return (await sql.raw<Record<string, string>>(`explain ${query}`).execute(conn)).rows
        .map((r) => r["QUERY PLAN"])
        .join(" | ");
    } finally {
      await sql`reset enable_seqscan`.execute(conn);
    }
  });
}

/** Matches a plan (of either backend) that reads index `name`. */
export function readsIndex(name: string): RegExp {
  return new RegExp(
    `(USING (COVERING )?INDEX|Index (Only )?Scan using|Bitmap Index Scan on) ${name}\\b`,
  );
}

/** The names of `table`'s columns, on either backend. */
export async function columnNames<D>(db: Kysely<D>, table: string): Promise<string[]> {
  return (
    (await db.introspection.getTables())
      .find((t) => t.name === table)
      ?.columns.map((c) => c.name) ?? []
  );
}

/** A fresh, empty database on the test backend: a file in `dir`, or a new Postgres database. */
export async function createTestDatabase(dir: string): Promise<TestDatabase> {
  if (testBackend === "sqlite") return { url: join(dir, "app.db"), drop: async () => undefined };
  const name = `payments_test_${randomBytes(6).toString("hex")}`;
  await onAdminConnection((client) => client.query(`create database ${name}`));
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      onAdminConnection((client) =>
        client.query(`drop database if exists ${name} with (force)`),
      ).then(() => undefined),
  };
}

/**
 * Points the app's configuration and its db() at a fresh database in a temp folder. Call once
 * per test file (beforeAll), before anything reads the configuration; `close()` in afterAll.
 * Vitest runs each file in its own process, so the app's process-wide configuration and
 * database are this file's alone. The environment is the embedded default (no Stripe key, no
 * Postmark token) with a known webhook secret list.
 */
export async function setupTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = makeTempDir();
  const testDatabase = await createTestDatabase(dir);
  const dbPath = testDatabase.url;
  const vars: Record<string, string | undefined> = {
    DATABASE_URL: dbPath,
    APP_URL: TEST_APP_URL,
    STRIPE_SECRET_KEY: undefined,
    STRIPE_API_BASE: options.stripeApiBase ?? "http://127.0.0.1:9",
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRETS.join(","),
    POSTMARK_SERVER_TOKEN: undefined,
    POSTMARK_API_BASE: undefined,
    PASSWORD_HASH_COST: "test",
    PRICING_CURRENCY: "MAD",
    SESSION_SECRET: undefined,
    ...options.env,
  };
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  if (env().databaseUrl !== dbPath) {
    throw new Error(
      "setupTestApp must run before anything reads the configuration, once per test file",
    );
  }
  const database = db();
  await migrateToLatest(database);
  return {
    dir,
    dbPath,
    db: database,
    appUrl: TEST_APP_URL,
    webhookSecrets: TEST_WEBHOOK_SECRETS,
    async close() {
      await database.destroy();
      await testDatabase.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface MigratedDatabase {
  url: string;
  db: Kysely<Database>;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database on the test backend with its own Kysely instance, apart from the
 * app's db(): for a second instance or a reset database, or for a server process to run on.
 */
export async function setupMigratedDatabase(): Promise<MigratedDatabase> {
  const dir = makeTempDir("payments-test-second-");
  const testDatabase = await createTestDatabase(dir);
  const database = createDatabase(testDatabase.url);
  await migrateToLatest(database);
  return {
    url: testDatabase.url,
    db: database,
    async close() {
      await database.destroy();
      await testDatabase.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
