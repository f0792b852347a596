import type { Kysely } from "kysely";
import { sql } from "kysely";
import { autoId, isPostgres, timestampType } from "../dialect";

// Frozen in time: this file must never import application code.
// The staff console: a staff flag on accounts (set only by `npm run staff:grant`), when a
// session last proved its password (money actions ask again after 15 minutes), the append-only
// audit log of staff actions, complimentary access granted by staff, and the indexes that keep
// the console's keyset-paginated lists fast on a large database.

export async function up(db: Kysely<any>): Promise<void> {
  const ts = timestampType(db);
  await db.schema
    .alterTable("users")
    .addColumn("is_staff", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("sessions").addColumn("reauthenticated_at", ts).execute();

  await db.schema
    .createTable("staff_audit_log")
    .addColumn("id", "integer", autoId(db))
    .addColumn("at", ts, (c) => c.notNull())
    // No foreign keys: an entry outlives the accounts it names.
    .addColumn("staff_user_id", "integer", (c) => c.notNull())
    .addColumn("staff_email", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_user_id", "integer")
    // what was acted on inside the member's account: "payment 12", "sub_...", "email 7"
    .addColumn("target", "text")
    .addColumn("reason", "text")
    .addColumn("before_json", "text")
    .addColumn("after_json", "text")
    // done or failed
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("error", "text")
    // the form's nonce: a resubmitted form writes no second entry
    .addColumn("request_key", "text", (c) => c.unique())
    .execute();
  await db.schema
    .createIndex("staff_audit_log_target_idx")
    .on("staff_audit_log")
    .columns(["target_user_id", "id"])
    .execute();
  // Append-only at the database too: no code path, route or mistaken query rewrites history.
  if (isPostgres(db)) {
    await sql`create function staff_audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'staff_audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger staff_audit_log_no_update before update or delete on staff_audit_log
      for each row execute function staff_audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger staff_audit_log_no_update before update on staff_audit_log
      begin select raise(abort, 'staff_audit_log is append-only'); end`.execute(db);
    await sql`create trigger staff_audit_log_no_delete before delete on staff_audit_log
      begin select raise(abort, 'staff_audit_log is append-only'); end`.execute(db);
  }

  await db.schema
    .createTable("complimentary_access")
    .addColumn("id", "integer", autoId(db))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("starts_at", ts, (c) => c.notNull())
    .addColumn("ends_at", ts, (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("granted_by", "integer", (c) => c.notNull())
    .addColumn("created_at", ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("complimentary_access_user_idx")
    .on("complimentary_access")
    .columns(["user_id", "ends_at"])
    .execute();

  // The console's lists and overview (keyset pagination, newest first).
  await db.schema
    .createIndex("users_role_status_id_idx")
    .on("users")
    .columns(["role", "subscription_status", "id"])
    .execute();
  // No (subscription_status, id) index on users, nor (status, id) on email_outbox: SQLite, with
  // no statistics, would prefer them to the partial indexes the expiry sweep and the retention
  // pass read. A status-only filter in the console walks the primary key instead.
  await db.schema
    .createIndex("payments_created_at_id_idx")
    .on("payments")
    .columns(["created_at", "id"])
    .execute();
  await db.schema
    .createIndex("payments_status_created_at_id_idx")
    .on("payments")
    .columns(["status", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("payments_status_paid_at_idx")
    .on("payments")
    .columns(["status", "paid_at", "plan", "currency", "amount"])
    .execute();
  // Only the events not processed (few): a (processed, id) index over all of them would take the
  // retention pass off its processed_at index. The console names 0 as a literal to use this one.
  await db.schema
    .createIndex("stripe_webhook_events_unprocessed_id_idx")
    .on("stripe_webhook_events")
    .column("id")
    .where(sql.ref("processed"), "=", sql.lit(0))
    .execute();
  await db.schema
    .createIndex("email_outbox_to_email_idx")
    .on("email_outbox")
    .columns(["to_email", "id"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    "email_outbox_to_email_idx",
    "stripe_webhook_events_unprocessed_id_idx",
    "payments_status_paid_at_idx",
    "payments_status_created_at_id_idx",
    "payments_created_at_id_idx",
    "users_role_status_id_idx",
  ])
    await db.schema.dropIndex(index).execute();
  await db.schema.dropTable("complimentary_access").execute();
  await db.schema.dropTable("staff_audit_log").execute();
  if (isPostgres(db)) await sql`drop function staff_audit_log_append_only()`.execute(db);
  await db.schema.alterTable("sessions").dropColumn("reauthenticated_at").execute();
  await db.schema.alterTable("users").dropColumn("is_staff").execute();
}
