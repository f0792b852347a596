// The billing part of the test harness: the app with the stand-in delivering its signed
// webhooks over HTTP to the real webhook route, members subscribed on their own test clocks,
// and the rows and emails a subscription leaves behind.
import type { Kysely } from "kysely";
import type Stripe from "stripe";
import { priceIdFor } from "../../app/billing/catalog-sync.server";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import { recurringPlan } from "../../app/payments/catalog";
import type { Database, User } from "../../db/schema";
import { advanceTo, DAY } from "./stand-in";
import { renderStoredTemplate } from "../../app/email/templates.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { args } from "./requests";
import { serveRoute, type RouteServer } from "./route-server";
import { setupTestAppWithStripe, type TestAppWithStripe } from "./stripe-sim";

export { DAY };

export interface Member {
  user: User;
  customerId: string;
  clockId: string;
  subscription: Stripe.Subscription;
}

/**
 * What subscription-mode Checkout leaves behind, made through the API: the member's customer
 * (on its own test clock, STRIPE_TEST_CLOCKS=true) with a subscription to a catalog price.
 */
export async function subscribe(
  db: Kysely<Database>,
  stripe: Stripe,
  user: User,
  options: { choice?: "monthly" | "yearly"; trialDays?: number; card?: string } = {},
): Promise<Member> {
  const customerId = await getOrCreateStripeCustomer(db, stripe, user, new Date());
  const row = await db
    .selectFrom("stripe_customers")
    .select("stripe_test_clock_id")
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  if (!row.stripe_test_clock_id)
    throw new Error("expected STRIPE_TEST_CLOCKS=true to put the customer on a test clock");
  const plan = recurringPlan(user.role, options.choice ?? "monthly", "MAD");
  const subscription = await stripe.subscriptions.create({
    customer: customerId,
    items: [{ price: await priceIdFor(plan, stripe) }],
    default_payment_method: options.card ?? "pm_card_visa",
    metadata: { user_id: String(user.id), plan: plan.id },
    ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
  });
  return { user, customerId, clockId: row.stripe_test_clock_id, subscription };
}

/** Moves the member's clock to `seconds` and waits until Stripe's webhooks are all delivered. */
export async function moveClock(
  stripe: Stripe,
  sim: { idle(): Promise<void> },
  clockId: string,
  seconds: number,
): Promise<void> {
  await advanceTo(stripe, clockId, seconds);
  await sim.idle();
}

export async function clockNow(stripe: Stripe, clockId: string): Promise<number> {
  return (await stripe.testHelpers.testClocks.retrieve(clockId)).frozen_time;
}

export async function subscriptionRow(db: Kysely<Database>, subscriptionId: string) {
  return db
    .selectFrom("subscriptions")
    .selectAll()
    .where("stripe_subscription_id", "=", subscriptionId)
    .executeTakeFirstOrThrow();
}

export async function emailKeys(db: Kysely<Database>, to: string): Promise<string[]> {
  const rows = await db
    .selectFrom("email_outbox")
    .select("dedupe_key")
    .where("to_email", "=", to)
    .orderBy("id")
    .execute();
  return rows.map((r) =>
    r.dedupe_key
      .replace(/:(sub|in)_[A-Za-z0-9]+/g, ":$1")
      .replace(/:\d{4}-\d\d-\d\dT[\d:.]+Z/, ":<date>"),
  );
}

/** The member's queued emails rendered as the dispatcher will render them when it sends. */
export async function renderedEmails(
  db: Kysely<Database>,
  to: string,
): Promise<{ dedupeKey: string; subject: string; text: string }[]> {
  const rows = await db
    .selectFrom("email_outbox")
    .selectAll()
    .where("to_email", "=", to)
    .orderBy("id")
    .execute();
  const rendered = [];
  for (const row of rows) {
    const email = row.template
      ? // English, as these suites read them (tests/i18n covers the member's language)
        await renderStoredTemplate(row.template, row.template_version, row.props, "en")
      : { subject: row.subject ?? "", text: row.text ?? "" };
    rendered.push({ dedupeKey: row.dedupe_key, subject: email.subject, text: email.text });
  }
  return rendered;
}

export interface BillingTestApp extends TestAppWithStripe {
  /** the real webhook route, served over HTTP, where the stand-in delivers its signed events */
  hook: RouteServer;
}

/**
 * The app with the real SDK against the stand-in, which delivers its signed webhooks over HTTP
 * to the real webhook route (retrying fast); each member's customer lives on its own test clock.
 */
export async function setupBillingApp(): Promise<BillingTestApp> {
  const hook = await serveRoute((request) => webhookAction(args(request)));
  const app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20, maxAttempts: 5 },
    env: { STRIPE_TEST_CLOCKS: "true" },
  });
  return {
    ...app,
    hook,
    async close() {
      await app.close();
      await hook.close();
    },
  };
}
