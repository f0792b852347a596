import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { newId } from "../ids.js";
import { buildInvoice, buildLine } from "../objects/invoice.js";
import type { LineFields } from "../objects/invoice.js";
import { idOf } from "../ids.js";
import { DAY, periodEndAfter } from "./periods.js";
import {
  createInvoice,
  defaultPaymentMethodFor,
  DRAFT_WINDOW_SECONDS,
  finalizeInvoice,
  payInvoice,
  pendingInvoiceItems,
  voidInvoice,
} from "./invoices.js";
import { saveSubscription } from "./subscription-status.js";
import { cancelNow, periodLine } from "./subscriptions.js";

/** Stripe sends customer.subscription.trial_will_end three days before a trial ends. */
export const TRIAL_WILL_END_SECONDS = 3 * DAY;
/** invoice.upcoming goes out this long before a renewal (Stripe's default setting). */
export const UPCOMING_SECONDS = 7 * DAY;
/** An incomplete subscription whose first invoice stays unpaid expires after 23 hours. */
export const INCOMPLETE_EXPIRY_SECONDS = 23 * 60 * 60;

const LIVE_STATUSES = ["trialing", "active", "past_due", "unpaid", "incomplete"];
const MAX_STEPS = 10_000;

interface Action {
  at: number;
  /** Lower runs first among actions due at the same second. */
  order: number;
  run: () => void;
}

function clockFilter(clockId: string | null) {
  return { path: "$.test_clock", value: clockId };
}

function firstItem(subscription: Stripe.Subscription): Stripe.SubscriptionItem | undefined {
  return subscription.items.data[0];
}

function noted(ctx: SimContext, key: string): boolean {
  return ctx.billingNotes.get<boolean>(key) === true;
}

/** What Stripe would run next for the subscriptions and invoices on one clock (null: no test clock). */
function nextAction(ctx: SimContext, clockId: string | null, until: number): Action | undefined {
  const candidates: Action[] = [];
  const subscriptions = ctx.store.list("subscriptions", {
    limit: 1000,
    filters: [clockFilter(clockId), { path: "$.status", value: LIVE_STATUSES }],
  }).data;
  for (const subscription of subscriptions) {
    const item = firstItem(subscription);
    if (!item) continue;
    if (subscription.status === "trialing" && subscription.trial_end !== null) {
      const trialEnd = subscription.trial_end;
      const reminderKey = `trial_will_end:${subscription.id}:${trialEnd}`;
      if (!noted(ctx, reminderKey)) {
        const at = Math.max(trialEnd - TRIAL_WILL_END_SECONDS, subscription.created);
        candidates.push({
          at,
          order: 1,
          run: () => {
            ctx.billingNotes.set(reminderKey, true);
            ctx.events.emit("customer.subscription.trial_will_end", subscription, null);
          },
        });
      }
      // Canceled during the trial (the portal's cancel sets cancel_at to the trial's end): it ends instead of billing.
      if (subscription.cancel_at !== null && subscription.cancel_at <= trialEnd) {
        const cancelAt = subscription.cancel_at;
        candidates.push({
          at: cancelAt,
          order: 2,
          run: () => cancelNow(ctx, subscription, "cancellation_requested", null),
        });
        continue;
      }
      const upcomingKey = `upcoming:${subscription.id}:${trialEnd}`;
      const upcomingAt = trialEnd - UPCOMING_SECONDS;
      if (
        upcomingAt > (subscription.trial_start ?? subscription.created) &&
        !noted(ctx, upcomingKey)
      ) {
        candidates.push({
          at: upcomingAt,
          order: 1,
          run: () => {
            ctx.billingNotes.set(upcomingKey, true);
            ctx.events.emit("invoice.upcoming", previewInvoice(ctx, subscription), null);
          },
        });
      }
      candidates.push({ at: trialEnd, order: 3, run: () => endTrial(ctx, subscription, trialEnd) });
      continue;
    }
    if (subscription.status === "incomplete") {
      candidates.push({
        at: subscription.created + INCOMPLETE_EXPIRY_SECONDS,
        order: 4,
        run: () => expireIncomplete(ctx, subscription),
      });
      continue;
    }
    const periodEnd = item.current_period_end;
    if (subscription.cancel_at !== null && subscription.cancel_at <= periodEnd) {
      const cancelAt = subscription.cancel_at;
      candidates.push({
        at: cancelAt,
        order: 2,
        run: () => cancelNow(ctx, subscription, "cancellation_requested", null),
      });
      continue;
    }
    const upcomingKey = `upcoming:${subscription.id}:${periodEnd}`;
    const upcomingAt = periodEnd - UPCOMING_SECONDS;
    if (
      upcomingAt > item.current_period_start &&
      !noted(ctx, upcomingKey) &&
      subscription.status !== "unpaid"
    ) {
      candidates.push({
        at: upcomingAt,
        order: 1,
        run: () => {
          ctx.billingNotes.set(upcomingKey, true);
          ctx.events.emit("invoice.upcoming", previewInvoice(ctx, subscription), null);
        },
      });
    }
    candidates.push({ at: periodEnd, order: 3, run: () => renew(ctx, subscription, periodEnd) });
  }
  const invoices = ctx.store.list("invoices", {
    limit: 1000,
    filters: [clockFilter(clockId), { path: "$.status", value: ["draft", "open"] }],
  }).data;
  for (const invoice of invoices) {
    if (
      invoice.status === "draft" &&
      invoice.auto_advance &&
      invoice.automatically_finalizes_at !== null
    ) {
      candidates.push({
        at: invoice.automatically_finalizes_at,
        order: 0,
        run: () => finalizeAndCollect(ctx, invoice),
      });
    } else if (
      invoice.status === "open" &&
      invoice.auto_advance &&
      invoice.next_payment_attempt !== null
    ) {
      candidates.push({
        at: invoice.next_payment_attempt,
        order: 0,
        run: () => retry(ctx, invoice),
      });
    }
  }
  const due = candidates.filter((action) => action.at <= until);
  due.sort((a, b) => a.at - b.at || a.order - b.order);
  return due[0];
}

/**
 * Runs, in time order, everything due up to `until` on a clock: reminders, trial ends,
 * renewals, finalizations, payment retries and cancellations. `setTime` moves the clock's
 * "now" to each step so objects carry the time they happened at.
 */
export function runBilling(
  ctx: SimContext,
  clockId: string | null,
  until: number,
  setTime: (at: number) => void,
): number {
  let steps = 0;
  for (; steps < MAX_STEPS; steps++) {
    const action = nextAction(ctx, clockId, until);
    if (!action) break;
    setTime(action.at);
    action.run();
  }
  return steps;
}

function newPeriodFor(
  subscription: Stripe.Subscription,
  start: number,
  anchor: number,
): { start: number; end: number } {
  const recurring = firstItem(subscription)?.price.recurring;
  if (!recurring) return { start, end: start };
  return { start, end: periodEndAfter(anchor, start, recurring) };
}

/** Moves a subscription into its next period and opens the draft invoice Stripe finalizes an hour later. */
function startPeriod(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  at: number,
  changes: Partial<Stripe.Subscription>,
): void {
  const anchor = changes.billing_cycle_anchor ?? subscription.billing_cycle_anchor;
  const period = newPeriodFor(subscription, at, anchor);
  const invoiceId = newId("in");
  const next: Stripe.Subscription = {
    ...subscription,
    ...changes,
    latest_invoice: invoiceId,
    items: {
      ...subscription.items,
      data: subscription.items.data.map((item) => ({
        ...item,
        current_period_start: period.start,
        current_period_end: period.end,
      })),
    },
  };
  const saved = saveSubscription(ctx, subscription, next, null);
  const customer = ctx.store.get("customers", idOf(saved.customer) ?? "");
  if (!customer || customer.deleted) return;
  const unpaid = saved.status === "unpaid";
  createInvoice(
    ctx,
    {
      customer,
      subscription: saved,
      billingReason: "subscription_cycle",
      currency: saved.currency,
      lines: saved.items.data.map((item) => periodLine(ctx, saved, item)),
      pendingItems: pendingInvoiceItems(ctx, customer.id, saved.id),
      // An unpaid subscription keeps producing invoices, left as drafts, as Stripe does.
      autoAdvance: !unpaid,
      automaticallyFinalizesAt: unpaid ? null : at + DRAFT_WINDOW_SECONDS,
    },
    null,
    invoiceId,
  );
}

function endTrial(ctx: SimContext, subscription: Stripe.Subscription, at: number): void {
  if (endTrialWithoutPaymentMethod(ctx, subscription, null)) return;
  startPeriod(ctx, subscription, at, { status: "active", billing_cycle_anchor: at });
}

/**
 * A trial ending (at its date, or by `trial_end=now`) with no payment method on the subscription
 * or its customer follows `trial_settings[end_behavior][missing_payment_method]`: `cancel`
 * cancels it, `pause` pauses it (no invoice, no access, until `resume`). Returns the subscription
 * it left, or null when the trial ends as usual (`create_invoice`, or a payment method is there).
 */
export function endTrialWithoutPaymentMethod(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  origin: EventOrigin,
): Stripe.Subscription | null {
  const customer = ctx.store.get("customers", idOf(subscription.customer) ?? "");
  const hasPaymentMethod =
    idOf(subscription.default_payment_method) !== null ||
    (!!customer &&
      !customer.deleted &&
      idOf(customer.invoice_settings.default_payment_method) !== null);
  if (hasPaymentMethod) return null;
  const behaviour = subscription.trial_settings?.end_behavior.missing_payment_method;
  if (behaviour === "cancel") {
    cancelNow(ctx, subscription, "cancellation_requested", origin);
    return ctx.store.get("subscriptions", subscription.id) ?? subscription;
  }
  if (behaviour === "pause") {
    const paused = saveSubscription(
      ctx,
      subscription,
      { ...subscription, status: "paused" },
      origin,
    );
    ctx.events.emit("customer.subscription.paused", paused, origin);
    return paused;
  }
  return null;
}

/**
 * `POST /v1/subscriptions/:id/resume`: a paused subscription starts a new period now (the
 * billing cycle restarts) and is invoiced for it, then `customer.subscription.resumed`.
 */
export function resumeSubscription(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  at: number,
  origin: EventOrigin,
): Stripe.Subscription {
  startPeriod(ctx, subscription, at, { status: "active", billing_cycle_anchor: at });
  const resumed = ctx.store.get("subscriptions", subscription.id) ?? subscription;
  ctx.events.emit("customer.subscription.resumed", resumed, origin);
  return resumed;
}

function renew(ctx: SimContext, subscription: Stripe.Subscription, at: number): void {
  if (subscription.cancel_at_period_end) {
    cancelNow(ctx, subscription, "cancellation_requested", null);
    return;
  }
  startPeriod(ctx, subscription, at, {});
}

function expireIncomplete(ctx: SimContext, subscription: Stripe.Subscription): void {
  const invoiceId = idOf(subscription.latest_invoice);
  const invoice = invoiceId ? ctx.store.get("invoices", invoiceId) : undefined;
  if (invoice && invoice.status === "open") voidInvoice(ctx, invoice, null);
  const now = ctx.store.get("subscriptions", subscription.id) ?? subscription;
  saveSubscription(
    ctx,
    now,
    {
      ...now,
      status: "incomplete_expired",
      ended_at: subscription.created + INCOMPLETE_EXPIRY_SECONDS,
    },
    null,
  );
}

function finalizeAndCollect(ctx: SimContext, draft: Stripe.Invoice): void {
  const invoice = finalizeInvoice(ctx, draft, null);
  if (invoice.status !== "open") return;
  const result = payInvoice(ctx, invoice, defaultPaymentMethodFor(ctx, invoice), null, {
    offSession: true,
    scheduleRetry: true,
  });
  if (result.kind !== "paid") afterFailure(ctx, result.invoice);
}

function retry(ctx: SimContext, invoice: Stripe.Invoice): void {
  const result = payInvoice(ctx, invoice, defaultPaymentMethodFor(ctx, invoice), null, {
    offSession: true,
    scheduleRetry: true,
  });
  if (result.kind !== "paid") afterFailure(ctx, result.invoice);
}

/** Once the retry schedule is spent, the subscription is canceled or marked unpaid (the account setting). */
function afterFailure(ctx: SimContext, invoice: Stripe.Invoice): void {
  if (invoice.next_payment_attempt !== null) return;
  const subscriptionId = idOf(invoice.parent?.subscription_details?.subscription ?? null);
  const subscription = subscriptionId ? ctx.store.get("subscriptions", subscriptionId) : undefined;
  if (!subscription || subscription.status !== "past_due") return;
  if (ctx.afterFailedRetries === "unpaid") {
    saveSubscription(ctx, subscription, { ...subscription, status: "unpaid" }, null);
  } else {
    cancelNow(ctx, subscription, "payment_failed", null);
  }
}

/** The invoice the next renewal will produce, as `create_preview` and invoice.upcoming show it. */
export function previewInvoice(ctx: SimContext, subscription: Stripe.Subscription): Stripe.Invoice {
  const customerId = idOf(subscription.customer) ?? "";
  const customer = ctx.store.get("customers", customerId);
  const item = firstItem(subscription);
  const start =
    subscription.status === "trialing" && subscription.trial_end !== null
      ? subscription.trial_end
      : (item?.current_period_end ?? 0);
  const anchor = subscription.status === "trialing" ? start : subscription.billing_cycle_anchor;
  const period = newPeriodFor(subscription, start, anchor);
  const id = `upcoming_${newId("in")}`;
  const lines: LineFields[] = [
    ...subscription.items.data.map((it) => ({ ...periodLine(ctx, subscription, it), period })),
    ...pendingInvoiceItems(ctx, customerId, subscription.id).map((pending) => ({
      amount: pending.amount,
      currency: pending.currency,
      description: pending.description ?? "",
      period: pending.period,
      quantity: pending.quantity,
      price: null,
      proration: pending.proration,
      subscription: subscription.id,
      subscriptionItem: null,
      invoiceItem: pending.id,
      metadata: pending.metadata ?? {},
    })),
  ];
  const invoice = buildInvoice(
    id,
    start,
    {
      customer:
        customer && !customer.deleted
          ? customer
          : ({
              id: customerId,
              email: null,
              address: null,
              name: null,
              phone: null,
            } as Stripe.Customer),
      currency: subscription.currency,
      subscription,
      billingReason: "upcoming",
      description: null,
      metadata: {},
      periodStart: item?.current_period_start ?? start,
      periodEnd: start,
      defaultPaymentMethod: null,
      autoAdvance: true,
      automaticallyFinalizesAt: null,
      testClock: idOf(subscription.test_clock),
    },
    lines.map((line) => buildLine(newId("il"), id, line)),
  );
  return { ...invoice, next_payment_attempt: start + DRAFT_WINDOW_SECONDS };
}
