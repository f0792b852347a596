import type { DB } from "../lib/db.server";
import { nowIso } from "../lib/db.server";
import type { Language } from "./config";

/** Saves the member's language on the account (emails and Stripe read it from there). */
export async function saveMemberLanguage(
  database: DB,
  userId: number,
  language: Language,
): Promise<void> {
  await database
    .updateTable("users")
    .set({ locale: language, updated_at: nowIso() })
    .where("id", "=", userId)
    .execute();
}
