import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// The short line a talent shows in the directory (at most 140 characters; null when unset), and
// an index for the periodic sweeps that look for access ending soon or just ended.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("headline", "text", (c) => c.check(sql`headline is null or length(headline) <= 140`))
    .execute();
  await db.schema
    .createIndex("users_access_expires_at_idx")
    .on("users")
    .column("access_expires_at")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("users_access_expires_at_idx").execute();
  await db.schema.alterTable("users").dropColumn("headline").execute();
}
