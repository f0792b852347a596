import type { Message } from "../i18n/messages";
import Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { formatDate } from "../lib/format";
import { writeTransaction } from "../../db/dialect";
import { planById, recurringPriceLabel, type BillingInterval } from "../payments/catalog";
import { settleSubscriptionCheckout } from "../payments/fulfilment.server";
import { syncSubscription } from "./sync.server";
import { refusedByLimit, type ReturnOptions } from "../lib/stripe-call-limits.server";
import { expandableId } from "../lib/stripe-ids";
import { errorMessage } from "../lib/errors";

export type SubscriptionReturn =
  | {
      kind: "started";
      planName: string;
      price: string;
      trialEndsOn: string | null;
      renewsOn: string | null;
      /** the same facts raw, for the page to write in the reader's language */
      plan: string;
      amount: { amount: number; currency: string; interval: BillingInterval };
      trialEndsAt: string | null;
      renewsAt: string | null;
    }
  | { kind: "processing" }
  | { kind: "expired" }
  | { kind: "problem"; status: 400 | 404 | 502; message: Message }
  | { kind: "problem"; status: 429; message: Message; retryAfterSeconds: number };

const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9_]{1,200}$/;
const NOT_FOUND = "payment:problems.subscriptionNotFound";

/**
 * What the page after a subscription Checkout shows. The session is read from Stripe, must
 * belong to `user`, and its subscription is synced here too (the same idempotent sync as the
 * webhook), so the page is right whichever comes first.
 */
export async function confirmSubscriptionReturn(
  db: DB,
  stripe: Stripe,
  user: User,
  sessionId: string | null,
  now: Date,
  options: ReturnOptions = {},
): Promise<SubscriptionReturn> {
  if (!sessionId || !SESSION_ID.test(sessionId))
    return { kind: "problem", status: 400, message: "payment:problems.subscriptionInvalidLink" };
  const payment = await db
    .selectFrom("payments")
    .select(["user_id"])
    .where("stripe_checkout_session_id", "=", sessionId)
    .executeTakeFirst();
  if (!payment || payment.user_id !== user.id)
    return { kind: "problem", status: 404, message: NOT_FOUND };

  let session: Stripe.Checkout.Session;
  const refused = await refusedByLimit(options);
  if (refused) return refused;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
      return { kind: "problem", status: 404, message: NOT_FOUND };
    return {
      kind: "problem",
      status: 502,
      message: "payment:problems.subscriptionUnreachable",
    };
  }
  if (
    (session.client_reference_id ?? session.metadata?.user_id) !== String(user.id) ||
    session.mode !== "subscription"
  ) {
    return { kind: "problem", status: 404, message: NOT_FOUND };
  }
  if (session.status === "expired") return { kind: "expired" };
  const subscriptionId = expandableId(session.subscription);
  if (session.status !== "complete" || !subscriptionId) return { kind: "processing" };

  try {
    await syncSubscription(db, stripe, subscriptionId, { cause: "sync", now });
  } catch (error) {
    console.error(
      `Syncing subscription ${subscriptionId} after Checkout failed: ${errorMessage(error)}`,
    );
    return { kind: "processing" };
  }
  await writeTransaction(db, (trx) => settleSubscriptionCheckout(trx, session, now));
  const row = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("stripe_subscription_id", "=", subscriptionId)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!row) return { kind: "processing" };
  return {
    kind: "started",
    planName: planById(row.plan, row.currency)?.name ?? row.plan,
    price: recurringPriceLabel({
      amount: row.amount,
      currency: row.currency,
      interval: row.interval as BillingInterval,
    }),
    trialEndsOn: row.status === "trialing" && row.trial_end ? formatDate(row.trial_end) : null,
    renewsOn: row.current_period_end ? formatDate(row.current_period_end) : null,
    plan: row.plan,
    amount: {
      amount: row.amount,
      currency: row.currency,
      interval: row.interval as BillingInterval,
    },
    trialEndsAt: row.status === "trialing" ? row.trial_end : null,
    renewsAt: row.current_period_end,
  };
}
