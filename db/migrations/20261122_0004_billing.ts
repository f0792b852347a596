import type { Kysely } from "kysely";
import { autoId, nowDefault, timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
// Auto-renewing plans: subscriptions and invoices as synced from Stripe, the history of each
// subscription's status, and the test clock a customer lives on (test mode only). Times are
// text on SQLite and timestamptz on PostgreSQL (db/dialect.ts).

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  const now = nowDefault(db);
  await db.schema
    .alterTable("stripe_customers")
    .addColumn("stripe_test_clock_id", "text")
    .execute();

  await db.schema
    .createTable("subscriptions")
    .addColumn("id", "integer", autoId(db))
    .addColumn("stripe_subscription_id", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("stripe_customer_id", "text", (c) => c.notNull())
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("interval", "text", (c) => c.notNull())
    .addColumn("stripe_price_id", "text", (c) => c.notNull())
    .addColumn("amount", "integer", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    // Stripe's own names: trialing, active, past_due, canceled, unpaid, incomplete, ...
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("current_period_start", ts)
    .addColumn("current_period_end", ts)
    .addColumn("trial_start", ts)
    .addColumn("trial_end", ts)
    .addColumn("cancel_at_period_end", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cancel_at", ts)
    .addColumn("canceled_at", ts)
    .addColumn("ended_at", ts)
    .addColumn("cancellation_reason", "text")
    .addColumn("card_brand", "text")
    .addColumn("card_last4", "text")
    .addColumn("latest_invoice_id", "text")
    .addColumn("stripe_created_at", ts, (c) => c.notNull())
    .addColumn("synced_at", ts, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex("subscriptions_user_id_idx")
    .on("subscriptions")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("invoices")
    .addColumn("id", "integer", autoId(db))
    .addColumn("stripe_invoice_id", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("stripe_subscription_id", "text")
    .addColumn("number", "text")
    .addColumn("status", "text")
    .addColumn("amount_due", "integer", (c) => c.notNull())
    .addColumn("amount_paid", "integer", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("billing_reason", "text")
    .addColumn("period_start", ts)
    .addColumn("period_end", ts)
    .addColumn("hosted_invoice_url", "text")
    .addColumn("invoice_pdf", "text")
    .addColumn("paid_at", ts)
    .addColumn("stripe_created_at", ts, (c) => c.notNull())
    .addColumn("synced_at", ts, (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex("invoices_user_id_idx").on("invoices").column("user_id").execute();
  await db.schema
    .createIndex("invoices_subscription_idx")
    .on("invoices")
    .column("stripe_subscription_id")
    .execute();

  await db.schema
    .createTable("subscription_status_history")
    .addColumn("id", "integer", autoId(db))
    .addColumn("stripe_subscription_id", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    // the Stripe event id whose sync saw the change, or "sync" for a command or page read
    .addColumn("cause", "text", (c) => c.notNull())
    .addColumn("at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("subscription_status_history_subscription_idx")
    .on("subscription_status_history")
    .column("stripe_subscription_id")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["subscription_status_history", "invoices", "subscriptions"]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable("stripe_customers").dropColumn("stripe_test_clock_id").execute();
}
