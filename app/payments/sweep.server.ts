import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

/** Writes EXPIRED for every ACTIVE user whose access ended; returns how many changed. */
export async function expireLapsedAccess(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const nowIso = now.toISOString();
  const result = await db
    .updateTable("users")
    .set({ subscription_status: "EXPIRED", updated_at: nowIso })
    .where("subscription_status", "=", "ACTIVE")
    .where("access_expires_at", "is not", null)
    .where("access_expires_at", "<=", nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
