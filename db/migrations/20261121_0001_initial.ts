import type { Kysely } from "kysely";
import { sql } from "kysely";
import { autoId, nowDefault, timestampType } from "../dialect";

// Frozen in time: this file must never import application code. The same schema on SQLite and
// PostgreSQL: times are text on SQLite and timestamptz on Postgres (db/dialect.ts).

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  const now = nowDefault(db);
  const id = autoId(db);
  await db.schema
    .createTable("users")
    .addColumn("id", "integer", id)
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('talent', 'professional', 'company')`),
    )
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("subscription_status", "text", (c) =>
      c
        .notNull()
        .defaultTo("NONE")
        .check(sql`subscription_status in ('NONE', 'ACTIVE', 'EXPIRED', 'CANCELLED')`),
    )
    .addColumn("access_expires_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", ts, (c) => c.notNull())
    .addColumn("user_agent", "text")
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("stripe_customers")
    .addColumn("id", "integer", id)
    .addColumn("user_id", "integer", (c) =>
      c.notNull().unique().references("users.id").onDelete("cascade"),
    )
    .addColumn("stripe_customer_id", "text", (c) => c.notNull().unique())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("name", "text")
    .addColumn("stripe_created_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("payments")
    .addColumn("id", "integer", id)
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("plan", "text", (c) => c.notNull())
    .addColumn("amount", "integer", (c) => c.notNull().check(sql`amount >= 0`))
    .addColumn("currency", "text", (c) =>
      c.notNull().check(sql`currency = lower(currency) and length(currency) = 3`),
    )
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'paid', 'failed', 'expired', 'canceled')`),
    )
    .addColumn("idempotency_key", "text", (c) => c.notNull().unique())
    .addColumn("stripe_checkout_session_id", "text", (c) => c.unique())
    .addColumn("checkout_url", "text")
    .addColumn("checkout_expires_at", ts)
    .addColumn("stripe_payment_intent_id", "text")
    .addColumn("stripe_invoice_id", "text")
    .addColumn("stripe_customer_id", "text")
    .addColumn("access_starts_at", ts)
    .addColumn("access_ends_at", ts)
    .addColumn("failure_message", "text")
    .addColumn("paid_at", ts)
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("payments_user_id_created_at_idx")
    .on("payments")
    .columns(["user_id", "created_at"])
    .execute();

  await db.schema
    .createTable("stripe_webhook_events")
    .addColumn("id", "integer", id)
    .addColumn("event_id", "text", (c) => c.notNull().unique())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("processed_at", ts)
    .addColumn("error_message", "text")
    .addColumn("note", "text")
    .addColumn("attempt_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("updated_at", ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("email_outbox")
    .addColumn("id", "integer", id)
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("to_email", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("html", "text", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .defaultTo("pending")
        .check(sql`status in ('pending', 'sent', 'failed')`),
    )
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("provider_message_id", "text")
    .addColumn("next_attempt_at", ts, (c) => c.notNull())
    .addColumn("claimed_until", ts)
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(now))
    .addColumn("sent_at", ts)
    .execute();
  await db.schema
    .createIndex("email_outbox_due_idx")
    .on("email_outbox")
    .columns(["status", "next_attempt_at"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "email_outbox",
    "stripe_webhook_events",
    "payments",
    "stripe_customers",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
