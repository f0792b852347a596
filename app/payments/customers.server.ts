import type Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { stripeLocale } from "../i18n/stripe-locale.server";
import { env } from "../lib/env.server";

/**
 * The user's Stripe customer id; one customer per user. Creation uses a per-user
 * Idempotency-Key, and when two requests race the unique user_id row decides: the loser keeps
 * the winner's row.
 *
 * Stripe keeps a key for 24 hours per account, so the key must not be reused by another user
 * who happens to get the same id, as after the database is reset: the row's creation time,
 * which never changes, goes into it with the id.
 */
export async function getOrCreateStripeCustomer(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id" | "email" | "name" | "created_at" | "locale">,
  now: Date,
): Promise<string> {
  const existing = await findCustomerId(db, user.id);
  if (existing) return existing;

  const testClockId = await testClockFor(stripe, user);
  const customer = await stripe.customers.create(
    {
      email: user.email,
      name: user.name,
      metadata: { user_id: String(user.id) },
      // Stripe's receipts and invoice emails in the member's language (kept in step on change).
      preferred_locales: [stripeLocale(user)],
      ...(testClockId ? { test_clock: testClockId } : {}),
    },
    { idempotencyKey: customerIdempotencyKey(user) },
  );
  const nowIso = now.toISOString();
  await db
    .insertInto("stripe_customers")
    .values({
      user_id: user.id,
      stripe_customer_id: customer.id,
      email: user.email,
      name: user.name,
      stripe_created_at: new Date(customer.created * 1000).toISOString(),
      stripe_test_clock_id: testClockId,
      created_at: nowIso,
      updated_at: nowIso,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const stored = await findCustomerId(db, user.id);
  if (!stored) throw new Error(`Stripe customer of user ${user.id} was not stored`);
  return stored;
}

async function findCustomerId(db: DB, userId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.stripe_customer_id;
}

/**
 * With STRIPE_TEST_CLOCKS=true (test mode only) each new customer lives on its own test clock,
 * so a test moves one member's billing time without touching anyone else's.
 */
async function testClockFor(
  stripe: Stripe,
  user: Pick<User, "id" | "created_at">,
): Promise<string | null> {
  if (!env().billing.testClocks) return null;
  // The clock starts at the account's creation (a moment ago for a new member): fixed
  // parameters, so a retry under the same Idempotency-Key gets the same clock.
  const clock = await stripe.testHelpers.testClocks.create(
    { frozen_time: Math.floor(Date.parse(user.created_at) / 1000), name: `user ${user.id}` },
    { idempotencyKey: `test-clock:${user.id}:${user.created_at}` },
  );
  return clock.id;
}

function customerIdempotencyKey(user: Pick<User, "id" | "created_at">): string {
  return `customer:${user.id}:${user.created_at}`;
}
