import type { Kysely } from "kysely";
import { nowDefault, timestampType } from "../dialect";

// Frozen in time: this file must never import application code. State that every app instance
// shares through the database: job leases (one instance runs a periodic job at a time) and
// rate-limit windows (a limit counts attempts on every instance).

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema
    .createTable("job_leases")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("holder", "text", (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();

  await db.schema
    .createTable("rate_limits")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("hits", "text", (c) => c.notNull())
    .addColumn("expires_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rate_limits_expires_at_idx")
    .on("rate_limits")
    .column("expires_at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rate_limits").execute();
  await db.schema.dropTable("job_leases").execute();
}
