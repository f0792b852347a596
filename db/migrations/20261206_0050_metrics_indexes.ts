import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// GET /metrics reads the oldest pending email at every scrape: a partial index on pending rows'
// creation time (small: sent rows are not in it) makes it one index read on a large database.
// (Subscriptions by status read subscriptions_status_idx, made by the staff console's 0081.)

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("email_outbox_pending_created_idx")
    .on("email_outbox")
    .column("created_at")
    .where(sql.ref("status"), "=", "pending")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("email_outbox_pending_created_idx").execute();
}
