import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateDown, migrateToLatest } from "../../db/migrator";
import { createTestDatabase, makeTempDir } from "../support/app";

const APP_TABLES = [
  "catalog_prices",
  "complimentary_access",
  "disputes",
  "email_outbox",
  "invoices",
  "job_leases",
  "membership_conflicts",
  "payments",
  "rate_limits",
  "refunds",
  "revenue_months",
  "sessions",
  "staff_audit_log",
  "stripe_customers",
  "stripe_webhook_events",
  "subscription_status_history",
  "subscriptions",
  "users",
];

describe("migrations", () => {
  it("migrate up, all the way down (no app tables left), and up again", async () => {
    const dir = makeTempDir("migrations-test-");
    const testDatabase = await createTestDatabase(dir);
    const database = createDatabase(testDatabase.url);
    const tables = async () =>
      (await database.introspection.getTables())
        .map((t) => t.name)
        .filter((name) => !name.startsWith("kysely_"))
        .sort();
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
      await testDatabase.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
