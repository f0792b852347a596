import type { Kysely } from "kysely";
import { timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
// What the member's pages show without asking Stripe: when Stripe retries a failed invoice
// (invoices.next_payment_attempt, synced), and the card and receipt of a one-time payment
// (payments.card_brand, card_last4, receipt_url; read once from Stripe, then kept).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("invoices")
    .addColumn("next_payment_attempt", timestampType(db))
    .execute();
  await db.schema.alterTable("payments").addColumn("card_brand", "text").execute();
  await db.schema.alterTable("payments").addColumn("card_last4", "text").execute();
  await db.schema.alterTable("payments").addColumn("receipt_url", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("payments").dropColumn("receipt_url").execute();
  await db.schema.alterTable("payments").dropColumn("card_last4").execute();
  await db.schema.alterTable("payments").dropColumn("card_brand").execute();
  await db.schema.alterTable("invoices").dropColumn("next_payment_attempt").execute();
}
