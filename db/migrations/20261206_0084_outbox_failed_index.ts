import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// Failed emails are few among hundreds of thousands sent: the staff overview counts them and
// /staff/emails lists them newest first. A partial index on their ids answers both without
// reading the outbox (a full index on status would tempt SQLite away from the partial indexes
// the dispatcher and retention rely on; this one only matches status = 'failed').

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("email_outbox_failed_id_idx")
    .on("email_outbox")
    .column("id")
    .where(sql.ref("status"), "=", "failed")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("email_outbox_failed_id_idx").execute();
}
