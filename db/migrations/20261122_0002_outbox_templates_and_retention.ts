import type { Kysely } from "kysely";
import { sql } from "kysely";
import { autoId, nowDefault, restartIdentityAfter, timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
//
// The outbox keeps a template name, its props version and the props (JSON) and renders when it
// sends; subject, html and text become nullable (filled when sent, dropped by retention). SQLite
// cannot relax NOT NULL in place, so the table is rebuilt with its rows.
// Indexes for the access expiry sweep and the retention passes. The same on PostgreSQL (times
// as timestamptz, db/dialect.ts), where the copied ids also move the id sequence on.

const OUTBOX_COLUMNS = `id, dedupe_key, to_email, subject, html, text, status, attempts, last_error,
  provider_message_id, next_attempt_at, claimed_until, created_at, sent_at`;

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema
    .createTable("email_outbox_next")
    .addColumn("id", "integer", autoId(db))
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("to_email", "text", (c) => c.notNull())
    .addColumn("template", "text")
    .addColumn("template_version", "integer")
    .addColumn("props", "text")
    .addColumn("subject", "text")
    .addColumn("html", "text")
    .addColumn("text", "text")
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
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn("sent_at", ts)
    .addColumn("body_dropped_at", ts)
    .addCheckConstraint(
      "email_outbox_has_content",
      sql`template is not null or html is not null or body_dropped_at is not null`,
    )
    .execute();
  await sql
    .raw(
      `insert into email_outbox_next (${OUTBOX_COLUMNS}) select ${OUTBOX_COLUMNS} from email_outbox`,
    )
    .execute(db);
  await restartIdentityAfter(db, "email_outbox_next");
  await db.schema.dropTable("email_outbox").execute();
  await sql`alter table email_outbox_next rename to email_outbox`.execute(db);
  // Only pending rows are ever due: a partial index stays small as sent rows pile up, and a
  // query about sent rows cannot wander into it.
  await db.schema
    .createIndex("email_outbox_due_idx")
    .on("email_outbox")
    .column("next_attempt_at")
    .where(sql.ref("status"), "=", "pending")
    .execute();
  // Retention drops bodies of sent rows, oldest first.
  await db.schema
    .createIndex("email_outbox_sent_body_idx")
    .on("email_outbox")
    .column("sent_at")
    .where(sql.ref("status"), "=", "sent")
    .where(sql.ref("body_dropped_at"), "is", null)
    .execute();

  // Retention prunes processed events by age.
  await db.schema
    .createIndex("stripe_webhook_events_processed_at_idx")
    .on("stripe_webhook_events")
    .column("processed_at")
    .where(sql.ref("processed"), "=", 1)
    .execute();

  // The expiry sweep reads only ACTIVE users by end date (a scan of users without it).
  await db.schema
    .createIndex("users_active_access_expires_at_idx")
    .on("users")
    .column("access_expires_at")
    .where(sql.ref("subscription_status"), "=", "ACTIVE")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema.dropIndex("users_active_access_expires_at_idx").execute();
  await db.schema.dropIndex("stripe_webhook_events_processed_at_idx").execute();
  await db.schema
    .createTable("email_outbox_prev")
    .addColumn("id", "integer", autoId(db))
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
    .addColumn("created_at", ts, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn("sent_at", ts)
    .execute();
  // Rows never rendered or whose body was dropped keep empty strings: the old table needs text.
  await sql
    .raw(
      `insert into email_outbox_prev (${OUTBOX_COLUMNS})
       select id, dedupe_key, to_email, coalesce(subject, ''), coalesce(html, ''), coalesce(text, ''), status, attempts,
         last_error, provider_message_id, next_attempt_at, claimed_until, created_at, sent_at from email_outbox`,
    )
    .execute(db);
  await restartIdentityAfter(db, "email_outbox_prev");
  await db.schema.dropTable("email_outbox").execute();
  await sql`alter table email_outbox_prev rename to email_outbox`.execute(db);
  await db.schema
    .createIndex("email_outbox_due_idx")
    .on("email_outbox")
    .columns(["status", "next_attempt_at"])
    .execute();
}
