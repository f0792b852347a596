import type { Kysely } from "kysely";
import { sql } from "kysely";

// Frozen in time: this file must never import application code.
// The language a member chose for pages, emails and Stripe's own pages and emails ("fr" or
// "en"); null for accounts made before languages existed (read as French).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("locale", "text", (c) => c.check(sql`locale is null or locale in ('fr', 'en')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("locale").execute();
}
