import type { Kysely } from "kysely";
import { autoId, nowDefault, timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
// Money integrity (decision 17): refunds on payments and invoices, disputes, the record of a
// second membership the app resolved, the prices the catalog has had (only they grant access),
// and a flag on a subscription whose price is not one of them.

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  const now = nowDefault(db);

  // Minor units of the payment's currency, as Stripe's charge.amount_refunded says.
  await db.schema
    .alterTable("payments")
    .addColumn("refunded_amount", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("payments").addColumn("refunded_at", ts).execute();
  await db.schema
    .createIndex("payments_payment_intent_idx")
    .on("payments")
    .column("stripe_payment_intent_id")
    .execute();

  await db.schema
    .alterTable("invoices")
    .addColumn("refunded_amount", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("invoices").addColumn("stripe_payment_intent_id", "text").execute();
  await db.schema
    .createIndex("invoices_payment_intent_idx")
    .on("invoices")
    .column("stripe_payment_intent_id")
    .execute();

  // 1: the subscription's price is not one the catalog ever had; it grants nothing.
  await db.schema
    .alterTable("subscriptions")
    .addColumn("off_catalog", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("refunds")
    .addColumn("id", "integer", autoId(db))
    .addColumn("stripe_refund_id", "text", (c) => c.notNull().unique())
    .addColumn("stripe_charge_id", "text")
    .addColumn("stripe_payment_intent_id", "text")
    // null when the charge is not one this app knows (recorded all the same)
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("payment_id", "integer", (c) => c.references("payments.id").onDelete("set null"))
    .addColumn("stripe_invoice_id", "text")
    .addColumn("amount", "integer", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    // Stripe's: pending, requires_action, succeeded, failed, canceled
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("stripe_created_at", ts, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("refunds_user_id_idx").on("refunds").column("user_id").execute();
  await db.schema
    .createIndex("refunds_charge_idx")
    .on("refunds")
    .column("stripe_charge_id")
    .execute();

  await db.schema
    .createTable("disputes")
    .addColumn("id", "integer", autoId(db))
    .addColumn("stripe_dispute_id", "text", (c) => c.notNull().unique())
    .addColumn("stripe_charge_id", "text", (c) => c.notNull())
    .addColumn("stripe_payment_intent_id", "text")
    .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("payment_id", "integer", (c) => c.references("payments.id").onDelete("set null"))
    .addColumn("stripe_invoice_id", "text")
    .addColumn("amount", "integer", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    // Stripe's: warning_needs_response, needs_response, under_review, won, lost, ...
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("stripe_created_at", ts, (c) => c.notNull())
    .addColumn("closed_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("disputes_user_id_idx").on("disputes").column("user_id").execute();

  await db.schema
    .createTable("membership_conflicts")
    .addColumn("id", "integer", autoId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // second_subscription, year_during_subscription, subscription_during_year, off_catalog_subscription
    .addColumn("kind", "text", (c) => c.notNull())
    // what stands: "payment:<id>" or "subscription:<sub_...>"
    .addColumn("kept", "text")
    // what was ended: "payment:<id>" or "subscription:<sub_...>"
    .addColumn("resolved", "text", (c) => c.notNull())
    // cancelled_and_refunded, refunded, flagged
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("refund_amount", "integer")
    .addColumn("currency", "text")
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("membership_conflicts_user_id_idx")
    .on("membership_conflicts")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("catalog_prices")
    .addColumn("stripe_price_id", "text", (c) => c.primaryKey())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("lookup_key", "text", (c) => c.notNull())
    .addColumn("recorded_at", ts, (c) => c.notNull().defaultTo(now))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["catalog_prices", "membership_conflicts", "disputes", "refunds"])
    await db.schema.dropTable(table).execute();
  await db.schema.alterTable("subscriptions").dropColumn("off_catalog").execute();
  await db.schema.dropIndex("invoices_payment_intent_idx").execute();
  await db.schema.alterTable("invoices").dropColumn("stripe_payment_intent_id").execute();
  await db.schema.alterTable("invoices").dropColumn("refunded_amount").execute();
  await db.schema.dropIndex("payments_payment_intent_idx").execute();
  await db.schema.alterTable("payments").dropColumn("refunded_at").execute();
  await db.schema.alterTable("payments").dropColumn("refunded_amount").execute();
}
