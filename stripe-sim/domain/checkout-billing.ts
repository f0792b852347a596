import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { StripeApiError } from "../http/errors.js";
import { saveDetailsOnCustomer, sessionCustomerDetails } from "./checkout-details.js";
import { behaviourForFingerprint } from "./cards.js";
import { idOf } from "../ids.js";
import { authenticationUrl } from "./checkout-result.js";
import type { CheckoutPayResult, Payer } from "./checkout-result.js";
import { createCustomer } from "./customers.js";
import { customerNow } from "./customer-time.js";
import { invoicePaymentIntent, settleInvoiceOfPaymentIntent } from "./invoices.js";
import { confirmPayment, failAuthentication } from "./payments.js";
import { saveSubscription } from "./subscription-status.js";
import { attachPaymentMethod } from "./payment-methods.js";
import { newSetupIntent } from "./setup-intents.js";
import { createSubscription } from "./subscriptions.js";

/** What a subscription- or setup-mode session was created with and applies when it completes. */
export interface SessionBillingSettings {
  trialEnd: number | null;
  trialPeriodDays: number | null;
  metadata: Record<string, string>;
  description: string | null;
  missingPaymentMethod: Stripe.Subscription.TrialSettings.EndBehavior.MissingPaymentMethod;
}

export function sessionBillingKey(sessionId: string): string {
  return `checkout:${sessionId}`;
}

export function sessionBillingSettings(ctx: SimContext, sessionId: string): SessionBillingSettings {
  return (
    ctx.billingNotes.get<SessionBillingSettings>(sessionBillingKey(sessionId)) ?? {
      trialEnd: null,
      trialPeriodDays: null,
      metadata: {},
      description: null,
      missingPaymentMethod: "create_invoice",
    }
  );
}

/** Whether the page must take a card: always, unless payment_method_collection=if_required and nothing is due now. */
export function cardRequired(session: Stripe.Checkout.Session): boolean {
  if (session.mode !== "subscription") return true;
  return !(
    session.payment_method_collection === "if_required" && (session.amount_total ?? 0) === 0
  );
}

/** When a session's trial ends if its subscription started now, on the customer's clock. */
export function trialEndFor(
  ctx: SimContext,
  settings: SessionBillingSettings,
  customerId: string | null,
): number | null {
  if (settings.trialEnd !== null) return settings.trialEnd;
  if (settings.trialPeriodDays === null) return null;
  return customerNow(ctx, customerId) + settings.trialPeriodDays * 24 * 60 * 60;
}

function sessionCustomer(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  payer: Payer,
  origin: EventOrigin,
): Stripe.Customer {
  const existingId = idOf(session.customer);
  const existing = existingId ? ctx.store.get("customers", existingId) : undefined;
  if (existing && !existing.deleted) return existing;
  return createCustomer(
    ctx,
    {
      email: payer.email,
      name: payer.name,
      description: null,
      phone: null,
      metadata: {},
      address: null,
      shipping: null,
      preferredLocales: session.locale && session.locale !== "auto" ? [session.locale] : [],
      defaultPaymentMethod: null,
    },
    origin,
  );
}

function complete(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  changes: Partial<Stripe.Checkout.Session>,
  paymentMethod: Stripe.PaymentMethod | null,
  payer: Payer,
  origin: EventOrigin,
): Stripe.Checkout.Session {
  const details = sessionCustomerDetails(ctx, session, {
    email: payer.email,
    name: payer.name,
    billing: paymentMethod?.billing_details ?? null,
  });
  const customerId = idOf(changes.customer ?? session.customer);
  if (customerId) {
    const madeByCheckout = idOf(session.customer) === null;
    saveDetailsOnCustomer(ctx, session, customerId, details, madeByCheckout, origin);
  }
  const completed: Stripe.Checkout.Session = {
    ...session,
    ...changes,
    status: "complete",
    customer_details: details,
  };
  ctx.store.replace("checkout_sessions", completed);
  ctx.events.emit("checkout.session.completed", completed, origin);
  return completed;
}

/**
 * Subscription mode: the customer (made if needed), the card attached and made the
 * subscription's default, the subscription with its first invoice charged (or a trial), then
 * checkout.session.completed. A declined first charge leaves nothing behind: the caller's
 * transaction rolls back and the page shows the decline, as Checkout keeps the session open.
 */
export function completeSubscriptionSession(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod | null,
  payer: Payer,
  origin: EventOrigin,
): CheckoutPayResult {
  const settings = sessionBillingSettings(ctx, session.id);
  const customer = sessionCustomer(ctx, session, payer, origin);
  const attached = paymentMethod
    ? attachPaymentMethod(ctx, paymentMethod, customer.id, origin)
    : null;
  const pending = pendingPayment(ctx, session);
  const needsChallenge =
    attached && behaviourForFingerprint(attached.card?.fingerprint).kind === "authenticate";
  if (attached && (pending || needsChallenge)) {
    return payWithChallenge(ctx, session, customer, attached, settings, pending, payer, origin);
  }
  const items = ctx.lineItems.all(session.id).map((item) => {
    const price = item.price ? (ctx.store.get("prices", item.price.id) ?? item.price) : null;
    if (!price)
      throw new StripeApiError(400, {
        type: "invalid_request_error",
        message: "A line item has no price.",
      });
    return { price, quantity: item.quantity ?? 1, metadata: {} };
  });
  const subscription = createSubscription(
    ctx,
    {
      customer,
      items,
      trialEnd: trialEndFor(ctx, settings, customer.id),
      defaultPaymentMethod: attached?.id ?? null,
      paymentBehavior: "error_if_incomplete",
      metadata: settings.metadata,
      description: settings.description,
      cancelAtPeriodEnd: false,
      missingPaymentMethod: settings.missingPaymentMethod,
    },
    origin,
    { onSession: true },
  );
  const invoice = idOf(subscription.latest_invoice);
  const completed = complete(
    ctx,
    session,
    {
      customer: customer.id,
      subscription: subscription.id,
      invoice,
      payment_status: (session.amount_total ?? 0) === 0 ? "no_payment_required" : "paid",
    },
    attached,
    payer,
    origin,
  );
  return { kind: "completed", session: completed, paymentIntent: null };
}

interface PendingPayment {
  subscription: Stripe.Subscription;
  invoice: Stripe.Invoice;
  paymentIntent: Stripe.PaymentIntent;
}

function pendingKey(sessionId: string): string {
  return `checkout-pending:${sessionId}`;
}

/** A subscription-mode session whose first invoice waits for 3-D Secure or another card. */
export function pendingPayment(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
): PendingPayment | undefined {
  const note = ctx.billingNotes.get<{ subscription: string; invoice: string }>(
    pendingKey(session.id),
  );
  if (!note) return undefined;
  const subscription = ctx.store.get("subscriptions", note.subscription);
  const invoice = ctx.store.get("invoices", note.invoice);
  const paymentIntent = invoice ? invoicePaymentIntent(ctx, invoice) : undefined;
  if (!subscription || !invoice || invoice.status !== "open" || !paymentIntent) return undefined;
  return { subscription, invoice, paymentIntent };
}

/**
 * A card that asks for 3-D Secure, or a new card after a failed challenge: the subscription
 * waits `incomplete` with its open first invoice while the customer authenticates on the
 * stand-in's challenge page, as Checkout's own flow does; the session completes once paid.
 */
function payWithChallenge(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  customer: Stripe.Customer,
  paymentMethod: Stripe.PaymentMethod,
  settings: SessionBillingSettings,
  existing: PendingPayment | undefined,
  payer: Payer,
  origin: EventOrigin,
): CheckoutPayResult {
  let pending = existing;
  if (!pending) {
    const items = ctx.lineItems.all(session.id).map((item) => ({
      price: ctx.store.get("prices", item.price?.id ?? "") ?? (item.price as Stripe.Price),
      quantity: item.quantity ?? 1,
      metadata: {},
    }));
    const subscription = createSubscription(
      ctx,
      {
        customer,
        items,
        trialEnd: trialEndFor(ctx, settings, customer.id),
        defaultPaymentMethod: paymentMethod.id,
        paymentBehavior: "default_incomplete",
        metadata: settings.metadata,
        description: settings.description,
        cancelAtPeriodEnd: false,
        missingPaymentMethod: settings.missingPaymentMethod,
      },
      origin,
    );
    const invoice = ctx.store.get("invoices", idOf(subscription.latest_invoice) ?? "");
    const paymentIntent = invoice ? invoicePaymentIntent(ctx, invoice) : undefined;
    if (!invoice || !paymentIntent) {
      // Nothing due now (a trial): the subscription is already under way.
      return finishSubscription(ctx, session, customer, subscription, paymentMethod, payer, origin);
    }
    ctx.billingNotes.set(pendingKey(session.id), {
      subscription: subscription.id,
      invoice: invoice.id,
    });
    ctx.store.replace("checkout_sessions", { ...session, customer: customer.id });
    pending = { subscription, invoice, paymentIntent };
  } else if (idOf(pending.subscription.default_payment_method) !== paymentMethod.id) {
    saveSubscription(
      ctx,
      pending.subscription,
      { ...pending.subscription, default_payment_method: paymentMethod.id },
      origin,
    );
  }
  const current = ctx.store.get("checkout_sessions", session.id) ?? session;
  const result = confirmPayment(ctx, pending.paymentIntent, paymentMethod, origin, {
    nextActionUrl: authenticationUrl(ctx, session.id),
  });
  if (result.kind === "requires_action")
    return { kind: "requires_action", session: current, paymentIntent: result.paymentIntent };
  if (result.kind === "declined")
    return {
      kind: "declined",
      session: current,
      paymentIntent: result.paymentIntent,
      error: result.error,
    };
  settleInvoiceOfPaymentIntent(ctx, result.paymentIntent, result.charge.id, origin);
  const subscription =
    ctx.store.get("subscriptions", pending.subscription.id) ?? pending.subscription;
  return finishSubscription(ctx, current, customer, subscription, paymentMethod, payer, origin);
}

function finishSubscription(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  customer: Stripe.Customer,
  subscription: Stripe.Subscription,
  paymentMethod: Stripe.PaymentMethod | null,
  payer: Payer,
  origin: EventOrigin,
): CheckoutPayResult {
  ctx.billingNotes.set(pendingKey(session.id), null);
  const completed = complete(
    ctx,
    session,
    {
      customer: customer.id,
      subscription: subscription.id,
      invoice: idOf(subscription.latest_invoice),
      payment_status: (session.amount_total ?? 0) === 0 ? "no_payment_required" : "paid",
    },
    paymentMethod,
    payer,
    origin,
  );
  return { kind: "completed", session: completed, paymentIntent: null };
}

/** After the challenge page in subscription mode: pay the first invoice, or fail and wait for another card. */
export function resolveSubscriptionAuthentication(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  passed: boolean,
): CheckoutPayResult | undefined {
  const pending = pendingPayment(ctx, session);
  if (!pending || pending.paymentIntent.status !== "requires_action") return undefined;
  const paymentMethod = ctx.store.get(
    "payment_methods",
    idOf(pending.paymentIntent.payment_method) ?? "",
  );
  if (!passed || !paymentMethod) {
    const failed = failAuthentication(ctx, pending.paymentIntent, paymentMethod, null);
    const message = failed.last_payment_error?.message ?? "Authentication failed.";
    return {
      kind: "declined",
      session,
      paymentIntent: failed,
      error: { message, code: "payment_intent_authentication_failure" },
    };
  }
  const result = confirmPayment(ctx, pending.paymentIntent, paymentMethod, null, {
    authenticated: true,
  });
  if (result.kind !== "succeeded") return undefined;
  settleInvoiceOfPaymentIntent(ctx, result.paymentIntent, result.charge.id, null);
  const customer = ctx.store.get("customers", idOf(pending.subscription.customer) ?? "");
  if (!customer || customer.deleted) return undefined;
  const subscription =
    ctx.store.get("subscriptions", pending.subscription.id) ?? pending.subscription;
  const payer = {
    email: paymentMethod.billing_details.email,
    name: paymentMethod.billing_details.name,
  };
  return finishSubscription(ctx, session, customer, subscription, paymentMethod, payer, null);
}

/** Setup mode: a succeeded SetupIntent for the card, attached to the session's customer if it has one. */
export function completeSetupSession(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod,
  payer: Payer,
  origin: EventOrigin,
): CheckoutPayResult {
  const settings = sessionBillingSettings(ctx, session.id);
  const customerId = idOf(session.customer);
  const attached = customerId
    ? attachPaymentMethod(ctx, paymentMethod, customerId, origin)
    : paymentMethod;
  const setupIntent: Stripe.SetupIntent = {
    ...newSetupIntent(ctx, {
      customer: customerId,
      description: settings.description,
      metadata: settings.metadata,
      usage: "off_session",
    }),
    payment_method: attached.id,
    status: "succeeded",
  };
  const id = setupIntent.id;
  ctx.store.insert("setup_intents", setupIntent);
  ctx.events.emit(
    "setup_intent.created",
    { ...setupIntent, status: "requires_payment_method", payment_method: null },
    origin,
  );
  ctx.events.emit("setup_intent.succeeded", setupIntent, origin);
  const completed = complete(
    ctx,
    session,
    { setup_intent: id, payment_status: "no_payment_required" },
    attached,
    payer,
    origin,
  );
  return { kind: "completed", session: completed, paymentIntent: null };
}
