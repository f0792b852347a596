import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { previousAttributes } from "./events.js";

/** Stores a changed subscription and emits customer.subscription.updated with what changed. */
export function saveSubscription(
  ctx: SimContext,
  before: Stripe.Subscription,
  after: Stripe.Subscription,
  origin: EventOrigin,
): Stripe.Subscription {
  const changed = previousAttributes(before, after);
  if (Object.keys(changed).length === 0) return before;
  ctx.store.replace("subscriptions", after);
  ctx.events.emit("customer.subscription.updated", after, origin, changed);
  return after;
}

function subscriptionOf(ctx: SimContext, invoice: Stripe.Invoice): Stripe.Subscription | undefined {
  const id = idOf(invoice.parent?.subscription_details?.subscription ?? null);
  return id ? ctx.store.get("subscriptions", id) : undefined;
}

/** A paid invoice settles its subscription: incomplete, past_due and unpaid become active. */
export function onInvoicePaid(ctx: SimContext, invoice: Stripe.Invoice, origin: EventOrigin): void {
  const subscription = subscriptionOf(ctx, invoice);
  if (!subscription) return;
  if (["incomplete", "past_due", "unpaid"].includes(subscription.status)) {
    saveSubscription(ctx, subscription, { ...subscription, status: "active" }, origin);
  }
}

/** A failed renewal makes an active (or just-out-of-trial) subscription past_due; a first invoice leaves it incomplete. */
export function onInvoicePaymentFailed(
  ctx: SimContext,
  invoice: Stripe.Invoice,
  origin: EventOrigin,
): void {
  const subscription = subscriptionOf(ctx, invoice);
  if (!subscription || invoice.billing_reason === "subscription_create") return;
  if (subscription.status === "active" || subscription.status === "trialing") {
    saveSubscription(ctx, subscription, { ...subscription, status: "past_due" }, origin);
  }
}
