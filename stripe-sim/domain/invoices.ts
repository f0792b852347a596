import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildInvoice, buildLine } from "../objects/invoice.js";
import type { LineFields } from "../objects/invoice.js";
import {
  behaviourForFingerprint,
  cardFingerprintRequiresAuthenticationEveryTime,
} from "./cards.js";
import { idOf } from "../ids.js";
import { customerNow } from "./customer-time.js";
import { invoiceNumber } from "./invoice-numbers.js";
import { confirmPayment, createPaymentIntent } from "./payments.js";
import { onInvoicePaid, onInvoicePaymentFailed } from "./subscription-status.js";

/** Days after the previous failed attempt when Stripe retries a renewal (a fixed schedule; see README). */
export const RETRY_SCHEDULE_DAYS: ReadonlyArray<number> = [3, 5, 7];
/** Stripe finalizes a subscription's renewal invoice about an hour after creating it. */
export const DRAFT_WINDOW_SECONDS = 60 * 60;

/** "Now" for a customer: its test clock's frozen time, or the stand-in's clock. */

export function requireInvoice(ctx: SimContext, id: string, param = "id"): Stripe.Invoice {
  const invoice = ctx.store.get("invoices", id);
  if (!invoice) throw noSuch("invoice", id, param);
  return invoice;
}

export interface NewInvoice {
  customer: Stripe.Customer;
  subscription: Stripe.Subscription | null;
  billingReason: Stripe.Invoice.BillingReason;
  currency: string;
  lines: LineFields[];
  /** Pending invoice items to pull in (their lines come after `lines`). */
  pendingItems: Stripe.InvoiceItem[];
  description?: string | null;
  metadata?: Record<string, string>;
  autoAdvance: boolean;
  automaticallyFinalizesAt?: number | null;
  defaultPaymentMethod?: string | null;
}

/** A draft invoice; its pending invoice items now belong to it. Emits invoice.created. */
export function createInvoice(
  ctx: SimContext,
  input: NewInvoice,
  origin: EventOrigin,
  id = newId("in"),
): Stripe.Invoice {
  const now = customerNow(ctx, input.customer.id);
  const itemLines = input.pendingItems.map((item) => {
    ctx.store.replace("invoiceitems", { ...item, invoice: id });
    const priceId = idOf(item.pricing?.price_details?.price ?? null);
    return {
      amount: item.amount,
      currency: item.currency,
      description: item.description ?? "",
      period: item.period,
      quantity: item.quantity,
      price: priceId ? (ctx.store.get("prices", priceId) ?? null) : null,
      proration: item.proration,
      subscription: item.parent?.subscription_details?.subscription ?? null,
      subscriptionItem: null,
      invoiceItem: item.id,
      metadata: item.metadata ?? {},
    } satisfies LineFields;
  });
  const all = [...input.lines, ...itemLines];
  const periods = all.map((line) => line.period);
  const lines = all.map((line) => buildLine(newId("il"), id, line));
  const invoice = buildInvoice(
    id,
    now,
    {
      customer: input.customer,
      currency: input.currency,
      subscription: input.subscription,
      billingReason: input.billingReason,
      description: input.description ?? null,
      metadata: input.metadata ?? {},
      // Stripe's period is the one the subscription's previous cycle covered; for manual invoices it is the item dates.
      periodStart: periods.length ? Math.min(...periods.map((p) => p.start)) : now,
      periodEnd: periods.length ? Math.max(...periods.map((p) => p.end)) : now,
      defaultPaymentMethod: input.defaultPaymentMethod ?? null,
      autoAdvance: input.autoAdvance,
      automaticallyFinalizesAt: input.automaticallyFinalizesAt ?? null,
      testClock: idOf(input.customer.test_clock),
    },
    lines,
  );
  // A draft that finalizes itself shows that moment as its next payment attempt, as Stripe's do.
  const created: Stripe.Invoice = {
    ...invoice,
    next_payment_attempt: input.autoAdvance ? (input.automaticallyFinalizesAt ?? null) : null,
  };
  ctx.store.insert("invoices", created);
  ctx.events.emit("invoice.created", created, origin);
  return created;
}

/**
 * draft -> open: a number, the hosted page and PDF, and (when money is due) the PaymentIntent
 * that will collect it. A zero invoice is paid on the spot, as Stripe does.
 */
export function finalizeInvoice(
  ctx: SimContext,
  invoice: Stripe.Invoice,
  origin: EventOrigin,
): Stripe.Invoice {
  if (invoice.status !== "draft") {
    throw invalidRequest(
      `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
      undefined,
      "invoice_not_editable",
    );
  }
  const customerId = idOf(invoice.customer) ?? "";
  const now = customerNow(ctx, customerId);
  const base = `${ctx.baseUrl()}/i/${invoice.id}`;
  let finalized: Stripe.Invoice = {
    ...invoice,
    status: "open",
    number: invoiceNumber(ctx, customerId),
    hosted_invoice_url: base,
    invoice_pdf: `${base}/pdf`,
    effective_at: now,
    automatically_finalizes_at: null,
    next_payment_attempt: null,
    status_transitions: { ...invoice.status_transitions, finalized_at: now },
  };
  if (finalized.amount_due > 0) {
    const paymentIntent = createPaymentIntent(
      ctx,
      {
        amount: finalized.amount_due,
        currency: finalized.currency,
        customer: customerId,
        description: paymentDescription(finalized.billing_reason),
        metadata: {},
        paymentMethodTypes: ["card"],
        allowedPaymentMethodTypes: null,
        receiptEmail: null,
        shipping: null,
        setupFutureUsage: null,
        statementDescriptor: null,
        statementDescriptorSuffix: null,
        automaticPaymentMethods: false,
      },
      origin,
      now,
    );
    const payment: Stripe.InvoicePayment = {
      id: newId("inpay"),
      object: "invoice_payment",
      amount_paid: null,
      amount_requested: finalized.amount_due,
      created: now,
      currency: finalized.currency,
      invoice: finalized.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: paymentIntent.id },
      status: "open",
      status_transitions: { canceled_at: null, paid_at: null },
    };
    finalized = {
      ...finalized,
      payments: {
        object: "list",
        data: [payment],
        has_more: false,
        url: `/v1/invoice_payments?invoice=${finalized.id}`,
      },
      confirmation_secret: {
        client_secret: paymentIntent.client_secret ?? "",
        type: "payment_intent",
      },
    };
  }
  ctx.store.replace("invoices", finalized);
  ctx.events.emit("invoice.finalized", finalized, origin);
  if (finalized.amount_due === 0) return markPaid(ctx, finalized, null, origin);
  return finalized;
}

function paymentDescription(reason: Stripe.Invoice.BillingReason | null): string {
  if (reason === "subscription_create") return "Subscription creation";
  if (reason === "subscription_cycle" || reason === "subscription_update")
    return "Subscription update";
  return "Payment for Invoice";
}

export function invoicePaymentIntent(
  ctx: SimContext,
  invoice: Stripe.Invoice,
): Stripe.PaymentIntent | undefined {
  const id = idOf(invoice.payments?.data[0]?.payment.payment_intent ?? null);
  return id ? ctx.store.get("payment_intents", id) : undefined;
}

function markPaid(
  ctx: SimContext,
  invoice: Stripe.Invoice,
  chargeId: string | null,
  origin: EventOrigin,
): Stripe.Invoice {
  const now = customerNow(ctx, idOf(invoice.customer));
  const payments = invoice.payments
    ? {
        ...invoice.payments,
        data: invoice.payments.data.map((p) => ({
          ...p,
          amount_paid: invoice.amount_due,
          status: "paid",
          status_transitions: { ...p.status_transitions, paid_at: now },
        })),
      }
    : invoice.payments;
  const paid: Stripe.Invoice = {
    ...invoice,
    status: "paid",
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    attempted: invoice.attempted || invoice.amount_due > 0,
    attempt_count:
      invoice.amount_due > 0 ? invoice.attempt_count + (chargeId ? 1 : 0) : invoice.attempt_count,
    next_payment_attempt: null,
    auto_advance: false,
    ...(payments ? { payments } : {}),
    status_transitions: { ...invoice.status_transitions, paid_at: now },
  };
  ctx.store.replace("invoices", paid);
  ctx.events.emit("invoice.paid", paid, origin);
  ctx.events.emit("invoice.payment_succeeded", paid, origin);
  onInvoicePaid(ctx, paid, origin);
  return paid;
}

/** The open invoice a PaymentIntent collects for, if any. */
export function invoiceOfPaymentIntent(
  ctx: SimContext,
  paymentIntentId: string,
): Stripe.Invoice | undefined {
  const where = {
    sql: "EXISTS (SELECT 1 FROM json_each(json_extract(data, '$.payments.data')) WHERE json_extract(value, '$.payment.payment_intent') = ?)",
    args: [paymentIntentId],
  };
  return ctx.store.list("invoices", { limit: 1, where }).data[0];
}

/** A PaymentIntent confirmed outside the invoice (stripe.js, the API) marks its open invoice paid. */
export function settleInvoiceOfPaymentIntent(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  chargeId: string,
  origin: EventOrigin,
): void {
  const invoice = invoiceOfPaymentIntent(ctx, paymentIntent.id);
  if (invoice && invoice.status === "open") markPaid(ctx, invoice, chargeId, origin);
}

export type InvoicePayResult =
  | { kind: "paid"; invoice: Stripe.Invoice }
  | {
      kind: "failed";
      invoice: Stripe.Invoice;
      error: Record<string, unknown> & { message: string };
    }
  | { kind: "requires_action"; invoice: Stripe.Invoice };

/** The card a charge_automatically invoice is collected from: invoice, subscription, then customer default. */
export function defaultPaymentMethodFor(ctx: SimContext, invoice: Stripe.Invoice): string | null {
  const own = idOf(invoice.default_payment_method);
  if (own) return own;
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const subscription = subscriptionId
    ? ctx.store.get("subscriptions", idOf(subscriptionId) ?? "")
    : undefined;
  const fromSubscription = subscription ? idOf(subscription.default_payment_method) : null;
  if (fromSubscription) return fromSubscription;
  const customer = ctx.store.get("customers", idOf(invoice.customer) ?? "");
  return customer && !customer.deleted
    ? idOf(customer.invoice_settings.default_payment_method)
    : null;
}

/**
 * One attempt to collect an open invoice with a card. `offSession` attempts (renewals, retries)
 * pass 3-D Secure cards that were set up before, except 4000 0027 6000 3184, which asks every time.
 */
export function payInvoice(
  ctx: SimContext,
  invoice: Stripe.Invoice,
  paymentMethodId: string | null,
  origin: EventOrigin,
  options: { offSession: boolean; scheduleRetry: boolean; authenticated?: boolean },
): InvoicePayResult {
  if (invoice.status === "paid")
    throw invalidRequest("Invoice is already paid.", undefined, "invoice_already_paid");
  if (invoice.status !== "open") {
    throw invalidRequest(
      `You can only pay an invoice that is open. This invoice is ${invoice.status ?? "unknown"}.`,
      undefined,
      "invoice_not_open",
    );
  }
  const now = customerNow(ctx, idOf(invoice.customer));
  const paymentIntent = invoicePaymentIntent(ctx, invoice);
  const paymentMethod = paymentMethodId
    ? ctx.store.get("payment_methods", paymentMethodId)
    : undefined;
  const attempts = invoice.attempt_count + 1;
  const nextAttempt = options.scheduleRetry ? retryTime(now, attempts) : null;
  if (!paymentIntent || !paymentMethod) {
    const message =
      "This customer has no attached payment source or default payment method. Please consider adding a default payment method.";
    const failed: Stripe.Invoice = {
      ...invoice,
      attempted: true,
      attempt_count: attempts,
      next_payment_attempt: nextAttempt,
    };
    ctx.store.replace("invoices", failed);
    ctx.events.emit("invoice.payment_failed", failed, origin);
    onInvoicePaymentFailed(ctx, failed, origin);
    return {
      kind: "failed",
      invoice: failed,
      error: { message, code: "invoice_no_customer_line_items" },
    };
  }
  const alreadyAuthenticated =
    options.authenticated === true ||
    (options.offSession &&
      behaviourForFingerprint(paymentMethod.card?.fingerprint).kind === "authenticate" &&
      !cardFingerprintRequiresAuthenticationEveryTime(paymentMethod.card?.fingerprint));
  const result = confirmPayment(
    ctx,
    { ...paymentIntent, customer: paymentIntent.customer ?? idOf(invoice.customer) },
    paymentMethod,
    origin,
    {
      authenticated: alreadyAuthenticated,
      nextActionUrl: invoice.hosted_invoice_url ?? undefined,
      now,
    },
  );
  if (result.kind === "succeeded")
    return {
      kind: "paid",
      invoice: markPaid(
        ctx,
        { ...invoice, attempt_count: invoice.attempt_count },
        result.charge.id,
        origin,
      ),
    };
  const failed: Stripe.Invoice = {
    ...invoice,
    attempted: true,
    attempt_count: attempts,
    next_payment_attempt: nextAttempt,
  };
  ctx.store.replace("invoices", failed);
  if (result.kind === "requires_action") {
    ctx.events.emit("invoice.payment_action_required", failed, origin);
    onInvoicePaymentFailed(ctx, failed, origin);
    return { kind: "requires_action", invoice: failed };
  }
  ctx.events.emit("invoice.payment_failed", failed, origin);
  onInvoicePaymentFailed(ctx, failed, origin);
  return { kind: "failed", invoice: failed, error: result.error };
}

/** When the next automatic attempt happens after `attempts` failed ones; null once retries are spent. */
export function retryTime(lastAttemptAt: number, attempts: number): number | null {
  const days = RETRY_SCHEDULE_DAYS[attempts - 1];
  return days === undefined ? null : lastAttemptAt + days * 24 * 60 * 60;
}

export function voidInvoice(
  ctx: SimContext,
  invoice: Stripe.Invoice,
  origin: EventOrigin,
): Stripe.Invoice {
  if (invoice.status !== "open" && invoice.status !== "uncollectible") {
    throw invalidRequest(
      `You can only void an open or uncollectible invoice. This invoice is ${invoice.status ?? "unknown"}.`,
      undefined,
      "invoice_not_open",
    );
  }
  const now = customerNow(ctx, idOf(invoice.customer));
  const paymentIntent = invoicePaymentIntent(ctx, invoice);
  if (
    paymentIntent &&
    paymentIntent.status !== "succeeded" &&
    paymentIntent.status !== "canceled"
  ) {
    ctx.store.replace("payment_intents", {
      ...paymentIntent,
      status: "canceled",
      canceled_at: now,
      cancellation_reason: "void_invoice",
    });
  }
  const voided: Stripe.Invoice = {
    ...invoice,
    status: "void",
    amount_remaining: 0,
    next_payment_attempt: null,
    auto_advance: false,
    status_transitions: { ...invoice.status_transitions, voided_at: now },
  };
  ctx.store.replace("invoices", voided);
  ctx.events.emit("invoice.voided", voided, origin);
  return voided;
}

/** Pending (not yet invoiced) items of a customer, optionally only those of one subscription. */
export function pendingInvoiceItems(
  ctx: SimContext,
  customerId: string,
  subscriptionId: string | null,
): Stripe.InvoiceItem[] {
  const items = ctx.store.list("invoiceitems", {
    limit: 1000,
    filters: [
      { path: "$.customer", value: customerId },
      { path: "$.invoice", value: null },
    ],
  }).data;
  return items
    .filter((item) =>
      subscriptionId === null
        ? true
        : item.parent?.subscription_details?.subscription === subscriptionId,
    )
    .reverse();
}
