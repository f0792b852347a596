import type { Message } from "../i18n/messages";
import Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { stripeLocale } from "../i18n/stripe-locale.server";
import { env } from "../lib/env.server";
import {
  recurringCatalog,
  recurringPlan,
  type PlanChoice,
  type RecurringPlan,
} from "../payments/catalog";
import {
  checkoutExpiresAt,
  findOpenCheckout,
  openReservedCheckout,
  reservePayment,
} from "../payments/checkout.server";
import type { Plan } from "../payments/pricing";
import { isRunningSubscription } from "./access-status";
import { priceIdFor } from "./catalog-sync.server";
import { errorMessage } from "../lib/errors";

export const STRIPE_UNREACHABLE = "common:messages.stripeUnreachable";
export const ALREADY_SUBSCRIBED = "payment:errors.alreadySubscribed";

export type SubscriptionCheckoutResult =
  | { kind: "redirect"; url: string; paymentId: number; reused: boolean }
  | { kind: "refused"; status: 409; message: Message }
  | { kind: "provider_error"; status: 502; message: Message };

/** The message for a failed Stripe call: an outage says so; nothing was charged either way. */
export function stripeFailureMessage(error: unknown): string {
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError
  )
    return STRIPE_UNREACHABLE;
  if (error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
    return STRIPE_UNREACHABLE;
  return "common:messages.providerRefused";
}

/** The member's subscription that still runs (trialing, active, past_due, unpaid ...), if any. */
export async function findRunningSubscription(db: DB, userId: number) {
  const rows = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("stripe_created_at", "desc")
    .execute();
  return rows.find((row) => isRunningSubscription(row.status));
}

/**
 * The trial applies to a member's first subscription only: none synced yet, and no completed
 * subscription Checkout whose subscription is still on its way from the webhook.
 */
export async function trialDaysFor(db: DB, userId: number): Promise<number> {
  const days = env().billing.trialDays;
  if (days === 0) return 0;
  const earlier = await db
    .selectFrom("subscriptions")
    .select("id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (earlier) return 0;
  const completed = await db
    .selectFrom("payments")
    .select("id")
    .where("user_id", "=", userId)
    .where("status", "=", "paid")
    .where(
      "plan",
      "in",
      recurringCatalog(env().pricingCurrency).map((p) => p.id),
    )
    .executeTakeFirst();
  return completed ? 0 : days;
}

/** The reservation's view of a recurring plan: the same payments row as the annual plan uses. */
function reservationPlan(plan: RecurringPlan): Plan {
  return {
    id: plan.id,
    role: plan.role,
    name: plan.name,
    description: plan.name,
    amount: plan.amount,
    currency: plan.currency,
  };
}

/**
 * Starts (or resumes) a subscription-mode Checkout of the member's monthly or yearly plan at
 * the catalog's price. As for the annual plan, a reserved payment row carries the
 * Idempotency-Key, so a double submit makes one session; nothing half-done stays on failure.
 */
export async function startSubscriptionCheckout(
  db: DB,
  stripe: Stripe,
  user: User,
  choice: Exclude<PlanChoice, "once">,
  now: Date,
): Promise<SubscriptionCheckoutResult> {
  if (await findRunningSubscription(db, user.id))
    return { kind: "refused", status: 409, message: ALREADY_SUBSCRIBED };
  const plan = recurringPlan(user.role, choice, env().pricingCurrency);
  const reservation = reservationPlan(plan);

  const open = await findOpenCheckout(db, user.id, reservation, now);
  if (open?.checkout_url)
    return { kind: "redirect", url: open.checkout_url, paymentId: open.id, reused: true };

  let priceId: string;
  try {
    priceId = await priceIdFor(plan, stripe);
  } catch (error) {
    console.error(`Catalog sync for ${plan.id} failed: ${errorMessage(error)}`);
    return { kind: "provider_error", status: 502, message: stripeFailureMessage(error) };
  }
  const trialDays = await trialDaysFor(db, user.id);
  const payment = await reservePayment(db, user.id, reservation, now);
  return openReservedCheckout(db, stripe, user, payment, plan.id, now, {
    label: "Subscription checkout",
    failureMessage: stripeFailureMessage,
    create: (customer, metadata) =>
      stripe.checkout.sessions.create(
        {
          mode: "subscription",
          customer,
          locale: stripeLocale(user),
          client_reference_id: String(user.id),
          metadata,
          line_items: [{ price: priceId, quantity: 1 }],
          subscription_data: {
            metadata,
            ...(trialDays > 0 ? { trial_period_days: trialDays } : {}),
          },
          success_url: `${env().appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${env().appUrl}/payment/cancel`,
          expires_at: checkoutExpiresAt(payment),
        },
        { idempotencyKey: payment.idempotency_key },
      ),
  });
}
