import type { Kysely } from "kysely";
import { timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
// When the Stripe read that wrote a subscription row started. Two instances may sync one
// subscription at once; the row keeps the state of the read that started last, so an older
// read committing late cannot put back a state Stripe has left. Null on rows written before.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("subscriptions")
    .addColumn("stripe_read_at", timestampType(db))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("subscriptions").dropColumn("stripe_read_at").execute();
}
