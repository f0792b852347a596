import type Stripe from "stripe";
import { customerNow } from "./customer-time.js";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest, noSuch, StripeApiError } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildInvoiceItem, productId } from "../objects/invoice.js";
import type { LineFields } from "../objects/invoice.js";
import { buildSubscription, buildSubscriptionItem } from "../objects/subscription.js";
import { formatAmount } from "../web/money.js";
import { behaviourForFingerprint } from "./cards.js";
import { idOf } from "../ids.js";
import { createInvoice, finalizeInvoice, payInvoice, pendingInvoiceItems } from "./invoices.js";
import type { InvoicePayResult } from "./invoices.js";
import { addIntervals } from "./periods.js";
import { saveSubscription } from "./subscription-status.js";

export type PaymentBehavior =
  "allow_incomplete" | "default_incomplete" | "error_if_incomplete" | "pending_if_incomplete";
export type ProrationBehavior = "create_prorations" | "none" | "always_invoice";

export interface ItemInput {
  price: Stripe.Price;
  quantity: number;
  metadata: Record<string, string>;
}

export interface NewSubscription {
  customer: Stripe.Customer;
  items: ItemInput[];
  trialEnd: number | null;
  defaultPaymentMethod: string | null;
  paymentBehavior: PaymentBehavior;
  metadata: Record<string, string>;
  description: string | null;
  cancelAtPeriodEnd: boolean;
  missingPaymentMethod: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
}

export function requireSubscription(
  ctx: SimContext,
  id: string,
  param = "id",
): Stripe.Subscription {
  const subscription = ctx.store.get("subscriptions", id);
  if (!subscription) throw noSuch("subscription", id, param);
  return subscription;
}

export function productName(ctx: SimContext, price: Stripe.Price): string {
  return ctx.store.get("products", productId(price))?.name ?? "Subscription";
}

function intervalText(price: Stripe.Price): string {
  const r = price.recurring;
  if (!r) return "";
  return r.interval_count === 1 ? r.interval : `${r.interval_count} ${r.interval}s`;
}

/** Stripe's line description: "1 x Monthly plan (at MAD 30.00 / month)". */
export function periodLineDescription(
  ctx: SimContext,
  price: Stripe.Price,
  quantity: number,
): string {
  return `${quantity} \u00d7 ${productName(ctx, price)} (at ${formatAmount(price.unit_amount ?? 0, price.currency)} / ${intervalText(price)})`;
}

export function checkSameInterval(items: ItemInput[], param: string): void {
  const first = items[0]?.price.recurring;
  for (const item of items) {
    const r = item.price.recurring;
    if (!r)
      throw invalidRequest(
        `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
        param,
      );
    if (first && (r.interval !== first.interval || r.interval_count !== first.interval_count)) {
      throw invalidRequest(
        "Currency and interval fields must match across all plans on this subscription.",
        param,
      );
    }
  }
  const currencies = new Set(items.map((item) => item.price.currency));
  if (currencies.size > 1)
    throw invalidRequest(
      "Currency and interval fields must match across all plans on this subscription.",
      param,
    );
}

function customerDefaultPaymentMethod(ctx: SimContext, customerId: string): string | null {
  const customer = ctx.store.get("customers", customerId);
  return customer && !customer.deleted
    ? idOf(customer.invoice_settings.default_payment_method)
    : null;
}

/** Whether the first charge will go through, decided up front so the created event shows the status it ends in. */
function predictFirstCharge(
  ctx: SimContext,
  paymentMethodId: string | null,
  onSession: boolean,
): "succeed" | "fail" {
  const paymentMethod = paymentMethodId
    ? ctx.store.get("payment_methods", paymentMethodId)
    : undefined;
  if (!paymentMethod) return "fail";
  const kind = behaviourForFingerprint(paymentMethod.card?.fingerprint).kind;
  return kind === "succeed" || (onSession && kind === "authenticate") ? "succeed" : "fail";
}

/**
 * `onSession`: the customer is present (Checkout). Checkout sends cards that ask for 3-D Secure
 * through its challenge first (checkout-billing.ts), so here they count as authenticated.
 */
export function createSubscription(
  ctx: SimContext,
  input: NewSubscription,
  origin: EventOrigin,
  options: { onSession?: boolean } = {},
): Stripe.Subscription {
  const customer = input.customer;
  const now = customerNow(ctx, customer.id);
  checkSameInterval(input.items, "items");
  const recurring = input.items[0]?.price.recurring;
  if (!recurring)
    throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
  const trialEnd = input.trialEnd !== null && input.trialEnd > now ? input.trialEnd : null;
  const periodEnd = trialEnd ?? addIntervals(now, recurring.interval, recurring.interval_count);
  const amount = input.items.reduce(
    (sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity,
    0,
  );
  const paymentMethodId =
    input.defaultPaymentMethod ?? customerDefaultPaymentMethod(ctx, customer.id);
  let status: Stripe.Subscription.Status = "active";
  if (trialEnd) status = "trialing";
  else if (amount > 0) {
    if (!paymentMethodId && input.paymentBehavior !== "default_incomplete") {
      throw invalidRequest(
        "This customer has no attached payment source or default payment method. Please consider adding a default payment method. For more information, visit https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority.",
        undefined,
        "resource_missing",
      );
    }
    if (
      input.paymentBehavior === "default_incomplete" ||
      predictFirstCharge(ctx, paymentMethodId, options.onSession ?? false) === "fail"
    ) {
      status = "incomplete";
    }
  }
  const id = newId("sub");
  const invoiceId = newId("in");
  const period = { start: now, end: periodEnd };
  const items = input.items.map((item) =>
    buildSubscriptionItem(newId("si"), now, id, item.price, item.quantity, period, item.metadata),
  );
  const subscription: Stripe.Subscription = {
    ...buildSubscription(
      id,
      now,
      {
        customer: customer.id,
        currency: input.items[0]?.price.currency ?? "usd",
        status,
        startDate: now,
        billingCycleAnchor: periodEnd === trialEnd ? trialEnd : now,
        trialStart: trialEnd ? now : null,
        trialEnd,
        defaultPaymentMethod: input.defaultPaymentMethod,
        metadata: input.metadata,
        description: input.description,
        cancelAtPeriodEnd: input.cancelAtPeriodEnd,
        testClock: idOf(customer.test_clock),
        missingPaymentMethod: input.missingPaymentMethod,
      },
      items,
    ),
    latest_invoice: invoiceId,
  };
  if (input.cancelAtPeriodEnd) {
    subscription.canceled_at = now;
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: "cancellation_requested",
    };
  }
  ctx.store.insert("subscriptions", subscription);
  ctx.events.emit("customer.subscription.created", subscription, origin);

  const lines: LineFields[] = subscription.items.data.map((item) => ({
    amount: trialEnd ? 0 : (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    currency: item.price.currency,
    description: trialEnd
      ? `Trial period for ${productName(ctx, item.price)}`
      : periodLineDescription(ctx, item.price, item.quantity ?? 1),
    period,
    quantity: item.quantity ?? 1,
    price: item.price,
    proration: false,
    subscription: id,
    subscriptionItem: item.id,
    invoiceItem: null,
    metadata: {},
  }));
  const draft = createInvoice(
    ctx,
    {
      customer,
      subscription,
      billingReason: "subscription_create",
      currency: subscription.currency,
      lines,
      pendingItems: [],
      autoAdvance: true,
    },
    origin,
    invoiceId,
  );
  const invoice = finalizeInvoice(ctx, draft, origin);
  if (invoice.status === "open" && input.paymentBehavior !== "default_incomplete") {
    const result = payInvoice(ctx, invoice, paymentMethodId, origin, {
      offSession: false,
      scheduleRetry: false,
      authenticated: options.onSession ?? false,
    });
    if (result.kind !== "paid" && input.paymentBehavior === "error_if_incomplete")
      throw firstPaymentError(result);
  }
  return ctx.store.get("subscriptions", id) ?? subscription;
}

function firstPaymentError(result: InvoicePayResult): StripeApiError {
  if (result.kind === "failed") {
    return new StripeApiError(402, {
      type: "card_error",
      ...result.error,
      message: result.error.message,
    });
  }
  return new StripeApiError(402, {
    type: "card_error",
    code: "subscription_payment_intent_requires_action",
    message:
      "Payment for this subscription requires additional user action before it can be completed successfully.",
  });
}

/** Ends a subscription now: status canceled, customer.subscription.deleted. */
export function cancelNow(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  reason: Stripe.Subscription.CancellationDetails.Reason,
  origin: EventOrigin,
  details: {
    comment?: string | null;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null;
  } = {},
): Stripe.Subscription {
  if (subscription.status === "canceled" || subscription.status === "incomplete_expired") {
    throw invalidRequest(
      `This subscription has already been canceled.`,
      undefined,
      "resource_missing",
    );
  }
  const now = customerNow(ctx, idOf(subscription.customer));
  const canceled: Stripe.Subscription = {
    ...subscription,
    status: "canceled",
    canceled_at: subscription.canceled_at ?? now,
    ended_at: now,
    cancel_at: subscription.cancel_at,
    cancellation_details: {
      comment: details.comment ?? subscription.cancellation_details?.comment ?? null,
      feedback: details.feedback ?? subscription.cancellation_details?.feedback ?? null,
      feedback_option: null,
      reason,
    },
  };
  ctx.store.replace("subscriptions", canceled);
  ctx.events.emit("customer.subscription.deleted", canceled, origin);
  // Stripe stops automatic collection of the subscription's open invoices when it ends.
  const open = ctx.store.list("invoices", {
    limit: 1000,
    filters: [
      { path: "$.parent.subscription_details.subscription", value: subscription.id },
      { path: "$.status", value: ["open", "draft"] },
    ],
  }).data;
  for (const invoice of open)
    ctx.store.replace("invoices", { ...invoice, auto_advance: false, next_payment_attempt: null });
  return canceled;
}

/** Credit for the unused part of the current period, as a pending proration invoice item. */
export function prorationItem(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  price: Stripe.Price,
  quantity: number,
  now: number,
  sign: 1 | -1,
  origin: EventOrigin,
): Stripe.InvoiceItem | null {
  const start = item.current_period_start;
  const end = item.current_period_end;
  if (end <= now || end <= start) return null;
  const amount =
    sign * Math.round(((price.unit_amount ?? 0) * quantity * (end - now)) / (end - start));
  if (amount === 0) return null;
  const date = new Date(now * 1000).toISOString().slice(0, 10);
  const invoiceItem = buildInvoiceItem(newId("ii"), now, {
    customer: idOf(subscription.customer) ?? "",
    amount,
    currency: price.currency,
    description: `${sign < 0 ? "Unused time on" : "Remaining time on"} ${quantity} \u00d7 ${productName(ctx, price)} after ${date}`,
    period: { start: now, end },
    price,
    quantity,
    proration: true,
    subscription: subscription.id,
    subscriptionItem: item.id,
    metadata: {},
    testClock: idOf(subscription.test_clock),
  });
  ctx.store.insert("invoiceitems", invoiceItem);
  ctx.events.emit("invoiceitem.created", invoiceItem, origin);
  return invoiceItem;
}

export interface ItemChange {
  /** Existing item to change, or null to add one. */
  id: string | null;
  price: Stripe.Price | null;
  quantity: number | null;
  deleted: boolean;
}

/**
 * Plan switches. Same interval: prorations for the rest of the period (pending, or invoiced now
 * with always_invoice). A different interval resets the billing cycle to now and invoices at once,
 * crediting the unused time of the old price unless proration_behavior is none, as Stripe does.
 */
export function changeItems(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  changes: ItemChange[],
  proration: ProrationBehavior,
  origin: EventOrigin,
): Stripe.Subscription {
  const now = customerNow(ctx, idOf(subscription.customer));
  const trialing = subscription.status === "trialing";
  let items = [...subscription.items.data];
  const credits: Array<{ item: Stripe.SubscriptionItem; price: Stripe.Price; quantity: number }> =
    [];
  changes.forEach((change, index) => {
    const existing = change.id ? items.find((item) => item.id === change.id) : undefined;
    if (change.id && !existing)
      throw invalidRequest(`Invalid subscription_item id: ${change.id}`, `items[${index}][id]`);
    if (existing) {
      credits.push({ item: existing, price: existing.price, quantity: existing.quantity ?? 1 });
      if (change.deleted) {
        items = items.filter((item) => item.id !== existing.id);
        return;
      }
      const price = change.price ?? existing.price;
      const quantity = change.quantity ?? existing.quantity ?? 1;
      items = items.map((item) =>
        item.id === existing.id
          ? buildSubscriptionItem(
              item.id,
              item.created,
              subscription.id,
              price,
              quantity,
              { start: item.current_period_start, end: item.current_period_end },
              item.metadata,
            )
          : item,
      );
    } else {
      if (!change.price)
        throw invalidRequest(
          "Missing required param: items[price].",
          `items[${index}][price]`,
          "parameter_missing",
        );
      const first = items[0];
      items.push(
        buildSubscriptionItem(
          newId("si"),
          now,
          subscription.id,
          change.price,
          change.quantity ?? 1,
          {
            start: first?.current_period_start ?? now,
            end: first?.current_period_end ?? now,
          },
        ),
      );
    }
  });
  if (items.length === 0)
    throw invalidRequest("A subscription must have at least one active plan.", "items");
  checkSameInterval(
    items.map((item) => ({ price: item.price, quantity: item.quantity ?? 1, metadata: {} })),
    "items",
  );
  const oldRecurring = subscription.items.data[0]?.price.recurring;
  const newRecurring = items[0]?.price.recurring;
  const intervalChanged =
    !!oldRecurring &&
    !!newRecurring &&
    (oldRecurring.interval !== newRecurring.interval ||
      oldRecurring.interval_count !== newRecurring.interval_count);

  if (!trialing && proration !== "none") {
    for (const credit of credits)
      prorationItem(ctx, subscription, credit.item, credit.price, credit.quantity, now, -1, origin);
    if (!intervalChanged) {
      for (const item of items) {
        const before = subscription.items.data.find((old) => old.id === item.id);
        const same =
          before &&
          before.price.id === item.price.id &&
          (before.quantity ?? 1) === (item.quantity ?? 1);
        if (!same)
          prorationItem(ctx, subscription, item, item.price, item.quantity ?? 1, now, 1, origin);
      }
    }
  }
  let updated: Stripe.Subscription = {
    ...subscription,
    items: { ...subscription.items, data: items },
  };
  if (intervalChanged && !trialing && newRecurring) {
    const period = {
      start: now,
      end: addIntervals(now, newRecurring.interval, newRecurring.interval_count),
    };
    updated = {
      ...updated,
      billing_cycle_anchor: now,
      items: {
        ...updated.items,
        data: items.map((item) => ({
          ...item,
          current_period_start: period.start,
          current_period_end: period.end,
        })),
      },
    };
    if (updated.cancel_at_period_end) updated.cancel_at = period.end;
  }
  updated = saveSubscription(ctx, subscription, updated, origin);
  if (!trialing && (intervalChanged || proration === "always_invoice")) {
    const newPeriodLines: LineFields[] = intervalChanged
      ? updated.items.data.map((item) => periodLine(ctx, updated, item))
      : [];
    updated = invoiceNow(ctx, updated, "subscription_update", newPeriodLines, origin);
  }
  return updated;
}

export function periodLine(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
): LineFields {
  return {
    amount: (item.price.unit_amount ?? 0) * (item.quantity ?? 1),
    currency: item.price.currency,
    description: periodLineDescription(ctx, item.price, item.quantity ?? 1),
    period: { start: item.current_period_start, end: item.current_period_end },
    quantity: item.quantity ?? 1,
    price: item.price,
    proration: false,
    subscription: subscription.id,
    subscriptionItem: item.id,
    invoiceItem: null,
    metadata: {},
  };
}

/** Invoices the subscription's pending items (plus `lines`) now, finalizes and charges it. */
export function invoiceNow(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  reason: Stripe.Invoice.BillingReason,
  lines: LineFields[],
  origin: EventOrigin,
): Stripe.Subscription {
  const customerId = idOf(subscription.customer) ?? "";
  const customer = ctx.store.get("customers", customerId);
  if (!customer || customer.deleted) return subscription;
  const pending = pendingInvoiceItems(ctx, customerId, subscription.id);
  if (lines.length === 0 && pending.length === 0) return subscription;
  const draft = createInvoice(
    ctx,
    {
      customer,
      subscription,
      billingReason: reason,
      currency: subscription.currency,
      lines,
      pendingItems: pending,
      autoAdvance: true,
    },
    origin,
  );
  const withInvoice = saveSubscription(
    ctx,
    subscription,
    { ...subscription, latest_invoice: draft.id },
    origin,
  );
  const invoice = finalizeInvoice(ctx, draft, origin);
  if (invoice.status === "open") {
    const paymentMethodId =
      idOf(withInvoice.default_payment_method) ?? customerDefaultPaymentMethod(ctx, customerId);
    payInvoice(ctx, invoice, paymentMethodId, origin, { offSession: true, scheduleRetry: true });
  }
  return ctx.store.get("subscriptions", subscription.id) ?? withInvoice;
}
