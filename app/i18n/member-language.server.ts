import type { DB } from "../lib/db.server";
import { now } from "../lib/clock.server";
import type { Language } from "./config";

/** Saves the member's language on the account (emails and Stripe read it from there). */
export async function saveMemberLanguage(
  database: DB,
  userId: number,
  language: Language,
): Promise<void> {
  await database
    .updateTable("users")
    .set({ locale: language, updated_at: now().toISOString() })
    .where("id", "=", userId)
    .execute();
}
