import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { customerNow } from "./customer-time.js";
import { saveSubscription } from "./subscription-status.js";

/**
 * Cancel at period end and its undoing, one implementation for the API's
 * `cancel_at_period_end` and the portal's Cancel / Renew buttons.
 */

/**
 * The subscription once `cancel_at_period_end=true`: it ends with its current period
 * (`cancel_at`), was asked to at `now` (`canceled_at`), for reason `cancellation_requested`;
 * feedback and comment already given stay.
 */
export function withCancelAtPeriodEnd(
  subscription: Stripe.Subscription,
  now: number,
): Stripe.Subscription {
  return {
    ...subscription,
    cancel_at_period_end: true,
    cancel_at: subscription.items.data[0]?.current_period_end ?? now,
    canceled_at: now,
    cancellation_details: {
      ...(subscription.cancellation_details ?? {
        comment: null,
        feedback: null,
        feedback_option: null,
      }),
      reason: "cancellation_requested",
    },
  };
}

/** The subscription once `cancel_at_period_end=false`: all three fields and the details cleared. */
export function withRenewal(subscription: Stripe.Subscription): Stripe.Subscription {
  return {
    ...subscription,
    cancel_at_period_end: false,
    cancel_at: null,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
  };
}

/** Schedules the cancellation and emits customer.subscription.updated with what changed. */
export function cancelAtPeriodEnd(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  origin: EventOrigin,
): Stripe.Subscription {
  const now = customerNow(ctx, idOf(subscription.customer) ?? "");
  return saveSubscription(ctx, subscription, withCancelAtPeriodEnd(subscription, now), origin);
}

/** Undoes a scheduled cancellation, emitting customer.subscription.updated. */
export function renewSubscription(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  origin: EventOrigin,
): Stripe.Subscription {
  return saveSubscription(ctx, subscription, withRenewal(subscription), origin);
}
