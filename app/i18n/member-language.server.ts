import type { DB } from "../lib/db.server";
import { now } from "../lib/clock.server";
import type { Language } from "./config";
import { DEFAULT_LANGUAGE, parseLanguage } from "./config";

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

/**
 * The language to write an email to `email` in, read when it is sent: the member's saved
 * choice, else French (accounts older than languages, or an address that is no member's).
 */
export async function recipientLanguage(database: DB, email: string): Promise<Language> {
  const row = await database
    .selectFrom("users")
    .select("locale")
    .where("email", "=", email)
    .executeTakeFirst();
  return parseLanguage(row?.locale) ?? DEFAULT_LANGUAGE;
}
