import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// The short line a talent shows in the directory (at most 140 characters; null when unset).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("headline", "text", (c) => c.check(sql`headline is null or length(headline) <= 140`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("headline").execute();
}
