import type Stripe from "stripe";
import { now } from "../lib/clock.server";
import type { Language } from "./config";
import { DEFAULT_LANGUAGE, parseLanguage } from "./config";
import type { DB } from "../../db/schema";
import { errorMessage } from "../lib/errors";

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

/**
 * Keeps the member's Stripe customer (if there is one) writing to them in `language`: Stripe's
 * receipts and invoice emails follow preferred_locales. Best effort: the choice is already
 * saved on the account, every new Checkout and portal session passes it as well, and a Stripe
 * outage must not make the switcher fail.
 */
export async function syncStripeLanguage(
  database: DB,
  stripe: Stripe,
  userId: number,
  language: Language,
): Promise<boolean> {
  const customer = await database
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!customer) return false;
  try {
    await stripe.customers.update(customer.stripe_customer_id, { preferred_locales: [language] });
    return true;
  } catch (error) {
    console.error(
      `Stripe preferred_locales for user ${userId} not updated: ${errorMessage(error)}`,
    );
    return false;
  }
}
