import type Stripe from "stripe";
import { idOf } from "../ids.js";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import {
  completeSetupSession,
  completeSubscriptionSession,
  pendingPayment,
  resolveSubscriptionAuthentication,
} from "./checkout-billing.js";
import {
  createCheckoutInvoice,
  saveDetailsOnCustomer,
  sessionCustomerDetails,
} from "./checkout-details.js";
import { authenticationUrl } from "./checkout-result.js";
import type { CheckoutPayResult, Payer } from "./checkout-result.js";
import { createCustomer } from "./customers.js";
import {
  CANCELABLE_STATUSES,
  cancelPaymentIntent,
  confirmAnyPayment,
  confirmPayment,
  createPaymentIntent,
  failAuthentication,
} from "./payments.js";

/** Reads a session, expiring it first when its expires_at has passed (the lazy half of expiry). */
export function loadSession(ctx: SimContext, id: string): Stripe.Checkout.Session | undefined {
  const session = ctx.store.get("checkout_sessions", id);
  if (session && session.status === "open" && session.expires_at <= ctx.clock.nowSeconds()) {
    return expireSession(ctx, session, null);
  }
  return session;
}

export function requireSession(ctx: SimContext, id: string): Stripe.Checkout.Session {
  const session = loadSession(ctx, id);
  if (!session) throw noSuch("checkout.session", id);
  return session;
}

/** The periodic half of expiry; returns how many sessions it expired. */
export function sweepExpiredSessions(ctx: SimContext): number {
  const page = ctx.store.list("checkout_sessions", {
    limit: 1000,
    where: {
      sql: "json_extract(data, '$.status') = 'open' AND json_extract(data, '$.expires_at') <= ?",
      args: [ctx.clock.nowSeconds()],
    },
  });
  for (const session of page.data) expireSession(ctx, session, null);
  return page.data.length;
}

export function expireSession(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  origin: EventOrigin,
): Stripe.Checkout.Session {
  if (session.status !== "open") {
    throw invalidRequest(
      `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`,
      "session",
      "checkout_session_not_open",
    );
  }
  const paymentIntentId = idOf(session.payment_intent);
  const paymentIntent = paymentIntentId
    ? ctx.store.get("payment_intents", paymentIntentId)
    : undefined;
  if (paymentIntent && CANCELABLE_STATUSES.includes(paymentIntent.status)) {
    cancelPaymentIntent(ctx, paymentIntent, "abandoned", origin);
  }
  const expired: Stripe.Checkout.Session = { ...session, status: "expired" };
  ctx.store.replace("checkout_sessions", expired);
  ctx.events.emit("checkout.session.expired", expired, origin);
  return expired;
}

/**
 * One payment attempt on an open session, shared by the hosted page and the payment_pages API.
 * The session's PaymentIntent is created on the first attempt and reused by later ones.
 */
export function payCheckoutSession(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod,
  payer: Payer,
  origin: EventOrigin,
): CheckoutPayResult {
  if (session.mode === "subscription")
    return completeSubscriptionSession(ctx, session, paymentMethod, payer, origin);
  if (session.mode === "setup")
    return completeSetupSession(ctx, session, paymentMethod, payer, origin);
  let current = session;
  let customerId = idOf(current.customer);
  if (!customerId && current.customer_creation === "always") {
    const customer = checkoutCustomer(
      ctx,
      current,
      sessionCustomerDetails(ctx, current, {
        email: payer.email,
        name: payer.name,
        billing: paymentMethod.billing_details,
      }),
      origin,
    );
    customerId = customer.id;
    current = { ...current, customer: customerId };
    ctx.store.replace("checkout_sessions", current);
  }

  let paymentIntent = paymentIntentOf(ctx, current);
  if (!paymentIntent) {
    const settings = ctx.sessionSettings.get(current.id);
    paymentIntent = createPaymentIntent(
      ctx,
      {
        amount: current.amount_total ?? 0,
        currency: current.currency ?? "usd",
        customer: customerId,
        description: settings?.description ?? null,
        metadata: settings?.metadata ?? {},
        paymentMethodTypes: current.payment_method_types,
        allowedPaymentMethodTypes: current.allowed_payment_method_types,
        receiptEmail: settings?.receiptEmail ?? null,
        shipping: settings?.shipping ?? null,
        setupFutureUsage: settings?.setupFutureUsage ?? null,
        statementDescriptor: settings?.statementDescriptor ?? null,
        statementDescriptorSuffix: settings?.statementDescriptorSuffix ?? null,
        automaticPaymentMethods: false,
      },
      origin,
    );
    current = { ...current, payment_intent: paymentIntent.id };
    ctx.store.replace("checkout_sessions", current);
  }

  const result = confirmAnyPayment(ctx, paymentIntent, paymentMethod, origin, {
    nextActionUrl: authenticationUrl(ctx, current.id),
  });
  if (result.kind === "declined") {
    return {
      kind: "declined",
      session: current,
      paymentIntent: result.paymentIntent,
      error: result.error,
    };
  }
  if (result.kind === "requires_action") {
    return { kind: "requires_action", session: current, paymentIntent: result.paymentIntent };
  }
  // A debit still processing completes the session unpaid; checkout.session.async_payment_*
  // follows when it settles (domain/sepa-debit.ts).
  const paid = result.kind === "succeeded";
  const completed = completeSession(ctx, current, paymentMethod, payer, origin, paid);
  return { kind: "completed", session: completed, paymentIntent: result.paymentIntent };
}

/** After the 3-D Secure page: finish or fail the payment that was waiting for it. */
export function resolveAuthentication(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  passed: boolean,
): CheckoutPayResult | undefined {
  if (session.mode === "subscription")
    return resolveSubscriptionAuthentication(ctx, session, passed);
  const paymentIntent = paymentIntentOf(ctx, session);
  if (!paymentIntent || paymentIntent.status !== "requires_action") return undefined;
  const paymentMethodId = idOf(paymentIntent.payment_method);
  const paymentMethod = paymentMethodId
    ? ctx.store.get("payment_methods", paymentMethodId)
    : undefined;
  if (!passed || !paymentMethod) {
    const failed = failAuthentication(ctx, paymentIntent, paymentMethod, null);
    const message = failed.last_payment_error?.message ?? "Authentication failed.";
    return {
      kind: "declined",
      session,
      paymentIntent: failed,
      error: { message, code: "payment_intent_authentication_failure" },
    };
  }
  const result = confirmPayment(ctx, paymentIntent, paymentMethod, null, { authenticated: true });
  if (result.kind !== "succeeded") {
    return result.kind === "declined"
      ? { kind: "declined", session, paymentIntent: result.paymentIntent, error: result.error }
      : { kind: "requires_action", session, paymentIntent: result.paymentIntent };
  }
  const payer = {
    email: paymentMethod.billing_details.email,
    name: paymentMethod.billing_details.name,
  };
  return {
    kind: "completed",
    session: completeSession(ctx, session, paymentMethod, payer, null),
    paymentIntent: result.paymentIntent,
  };
}

function completeSession(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  paymentMethod: Stripe.PaymentMethod,
  payer: Payer,
  origin: EventOrigin,
  paid = true,
): Stripe.Checkout.Session {
  const details = sessionCustomerDetails(ctx, session, {
    email: payer.email,
    name: payer.name,
    billing: paymentMethod.billing_details,
  });
  let current = session;
  let customerId = idOf(current.customer);
  const madeByCheckout = customerId === null || customerMadeBy(ctx, current) === customerId;
  // An invoice needs a customer: Checkout makes one for it when the session has none.
  if (!customerId && current.invoice_creation?.enabled) {
    customerId = checkoutCustomer(ctx, current, details, origin).id;
    current = { ...current, customer: customerId };
  }
  if (customerId) saveDetailsOnCustomer(ctx, current, customerId, details, madeByCheckout, origin);
  const paymentIntent = paymentIntentOf(ctx, current);
  if (customerId && paymentIntent && current.invoice_creation?.enabled) {
    const invoice = createCheckoutInvoice(ctx, current, customerId, paymentIntent, origin);
    current = { ...current, invoice: invoice.id };
  }
  const completed: Stripe.Checkout.Session = {
    ...current,
    status: "complete",
    payment_status: paid ? "paid" : "unpaid",
    customer_details: details,
  };
  ctx.store.replace("checkout_sessions", completed);
  ctx.events.emit("checkout.session.completed", completed, origin);
  return completed;
}

const madeKey = (sessionId: string) => `checkout-customer:${sessionId}`;

/** The customer this session's payment made (customer_creation=always), if any. */
function customerMadeBy(ctx: SimContext, session: Stripe.Checkout.Session): string | null {
  return ctx.billingNotes.get<string>(madeKey(session.id)) ?? null;
}

function checkoutCustomer(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  details: Stripe.Checkout.Session.CustomerDetails,
  origin: EventOrigin,
): Stripe.Customer {
  const customer = createCustomer(
    ctx,
    {
      email: details.email,
      name: details.business_name ?? details.name,
      description: null,
      phone: details.phone,
      metadata: {},
      address: details.address,
      shipping: null,
      preferredLocales: session.locale && session.locale !== "auto" ? [session.locale] : [],
      defaultPaymentMethod: null,
    },
    origin,
  );
  ctx.billingNotes.set(madeKey(session.id), customer.id);
  return customer;
}

export function paymentIntentOf(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
): Stripe.PaymentIntent | undefined {
  if (session.mode === "subscription") return pendingPayment(ctx, session)?.paymentIntent;
  const id = idOf(session.payment_intent);
  return id ? ctx.store.get("payment_intents", id) : undefined;
}
