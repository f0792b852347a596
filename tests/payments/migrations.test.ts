import { join } from "node:path";
import { rmSync } from "node:fs";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateDown, migrateToLatest } from "../../db/migrator";
import { makeTempDir } from "../support/app";

const APP_TABLES = [
  "email_outbox",
  "invoices",
  "payments",
  "sessions",
  "stripe_customers",
  "stripe_webhook_events",
  "subscription_status_history",
  "subscriptions",
  "users",
];

describe("migrations", () => {
  it("migrate up, all the way down (no app tables left), and up again", async () => {
    const dir = makeTempDir("migrations-test-");
    const database = createDatabase(join(dir, "app.db"));
    const tables = async () =>
      (
        await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(database)
      ).rows.map((r) => r.name);
    try {
      await migrateToLatest(database);
      expect(await tables()).toEqual(APP_TABLES);
      // Step down until no migration is left.
      for (let i = 0; i < 50; i++) {
        const lines = await migrateDown(database);
        if (lines.length === 0) break;
      }
      expect(await tables()).toEqual([]);
      await migrateToLatest(database);
      expect(await tables()).toEqual(APP_TABLES);
    } finally {
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
