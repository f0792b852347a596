import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// Whom a Stripe event concerned, recorded on its ledger row when it arrives: the customer of its
// object (or the customer itself) and its PaymentIntent (refunds and disputes carry no customer,
// only their PaymentIntent). The staff member page lists a member's events through these, newest
// first by id; the indexes are partial because most ledger rows of other kinds name neither.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("stripe_webhook_events")
    .addColumn("stripe_customer_id", "text")
    .execute();
  await db.schema
    .alterTable("stripe_webhook_events")
    .addColumn("stripe_payment_intent_id", "text")
    .execute();
  await db.schema
    .createIndex("stripe_webhook_events_customer_idx")
    .on("stripe_webhook_events")
    .columns(["stripe_customer_id", "id"])
    .where(sql.ref("stripe_customer_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("stripe_webhook_events_payment_intent_idx")
    .on("stripe_webhook_events")
    .columns(["stripe_payment_intent_id", "id"])
    .where(sql.ref("stripe_payment_intent_id"), "is not", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("stripe_webhook_events_payment_intent_idx").execute();
  await db.schema.dropIndex("stripe_webhook_events_customer_idx").execute();
  await db.schema
    .alterTable("stripe_webhook_events")
    .dropColumn("stripe_payment_intent_id")
    .execute();
  await db.schema.alterTable("stripe_webhook_events").dropColumn("stripe_customer_id").execute();
}
