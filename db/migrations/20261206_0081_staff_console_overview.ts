import type { Kysely } from "kysely";

// Frozen in time: this file must never import application code.
// The staff overview's month-by-month revenue from subscription invoices, and its counts of
// running subscriptions and trials, read through indexes rather than whole-table scans.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("invoices_status_paid_at_idx")
    .on("invoices")
    .columns(["status", "paid_at"])
    .execute();
  await db.schema
    .createIndex("subscriptions_status_idx")
    .on("subscriptions")
    .columns(["status", "trial_end"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("subscriptions_status_idx").execute();
  await db.schema.dropIndex("invoices_status_paid_at_idx").execute();
}
