// Shared integration-test setup: a fresh SQLite file in a temp folder, the app's configuration
// pointed at it (and at a Stripe stand-in when one runs), migrations applied.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import { migrateToLatest } from "../../db/migrator";
import type { Database } from "../../db/schema";
import { db } from "../../app/lib/db.server";
import { env } from "../../app/lib/env.server";

export const TEST_APP_URL = "http://localhost:3000";
/** The first signs (as the stand-in does); the second is accepted too, as during a rotation. */
export const TEST_WEBHOOK_SECRETS = ["whsec_test_primary_secret", "whsec_test_rotated_secret"] as const;

export interface TestApp {
  dir: string;
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

/**
 * Points the app's configuration and its db() at a fresh database in a temp folder. Call once
 * per test file (beforeAll), before anything reads the configuration; `close()` in afterAll.
 * Vitest runs each file in its own process, so the app's process-wide configuration and
 * database are this file's alone. The environment is the embedded default (no Stripe key, no
 * Postmark token) with a known webhook secret list.
 */
export async function setupTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = makeTempDir();
  const dbPath = join(dir, "app.db");
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
    throw new Error("setupTestApp must run before anything reads the configuration, once per test file");
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
