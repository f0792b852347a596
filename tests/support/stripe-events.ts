import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { TEST_APP_URL, TEST_WEBHOOK_SECRETS } from "./app";

let counter = 0;
const uniq = () =>
  `${Date.now().toString(36)}${randomBytes(4).toString("hex")}${(counter++).toString(36)}`;

/** A Checkout Session as Stripe sends it in events; override what a test cares about. */
export function checkoutSessionObject(
  overrides: Partial<Stripe.Checkout.Session> = {},
): Stripe.Checkout.Session {
  return {
    id: `cs_test_${uniq()}`,
    object: "checkout.session",
    mode: "payment",
    status: "complete",
    payment_status: "paid",
    amount_total: 30000,
    amount_subtotal: 30000,
    currency: "mad",
    customer: `cus_${uniq()}`,
    client_reference_id: null,
    metadata: {},
    payment_intent: `pi_${uniq()}`,
    livemode: false,
    created: Math.floor(Date.now() / 1000),
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    url: null,
    ...overrides,
  } as Stripe.Checkout.Session;
}

/**
 * The paid Checkout Session this app made for a reserved payment row: its id, owner, plan,
 * amount and currency, as Stripe sends it back.
 */
export function sessionForPayment(
  payment: {
    id: number;
    user_id: number;
    plan: string;
    amount: number;
    currency: string;
    stripe_checkout_session_id: string | null;
  },
  overrides: Partial<Stripe.Checkout.Session> = {},
): Stripe.Checkout.Session {
  return checkoutSessionObject({
    ...(payment.stripe_checkout_session_id ? { id: payment.stripe_checkout_session_id } : {}),
    client_reference_id: String(payment.user_id),
    metadata: {
      user_id: String(payment.user_id),
      plan: payment.plan,
      payment_id: String(payment.id),
    },
    amount_total: payment.amount,
    amount_subtotal: payment.amount,
    currency: payment.currency,
    ...overrides,
  });
}

export function stripeEvent(
  type: string,
  object: object,
  overrides: Partial<Stripe.Event> = {},
): Stripe.Event {
  return {
    id: `evt_${uniq()}`,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
    ...overrides,
  } as unknown as Stripe.Event;
}

export interface SignOptions {
  secret?: string;
  /** unix seconds; default now */
  timestamp?: number;
}

export function signatureFor(payload: string, options: SignOptions = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? TEST_WEBHOOK_SECRETS[0],
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
}

/** A POST to the webhook route carrying `payload` (an event or raw text), signed unless signature is null. */
export function webhookRequest(
  payload: object | string,
  options: SignOptions & { signature?: string | null } = {},
): Request {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload, null, 2);
  const headers = new Headers({ "Content-Type": "application/json" });
  const signature =
    options.signature === undefined ? signatureFor(body, options) : options.signature;
  if (signature !== null) headers.set("Stripe-Signature", signature);
  return new Request(`${TEST_APP_URL}/api/webhooks/stripe`, { method: "POST", headers, body });
}
