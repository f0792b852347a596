import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// GET /metrics counts the open disputes at every scrape: a partial index holds only those.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("disputes_open_idx")
    .on("disputes")
    .column("stripe_created_at")
    .where(sql.ref("closed_at"), "is", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("disputes_open_idx").execute();
}
