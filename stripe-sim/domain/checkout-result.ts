import type Stripe from "stripe";
import type { SimContext } from "../api/context.js";

/**
 * What a payment attempt on a Checkout Session answers, shared by the payment-mode code
 * (checkout.ts) and the subscription/setup-mode code (checkout-billing.ts) below it.
 */
export type CheckoutPayResult =
  /** paymentIntent is null in subscription and setup mode. */
  | {
      kind: "completed";
      session: Stripe.Checkout.Session;
      paymentIntent: Stripe.PaymentIntent | null;
    }
  | {
      kind: "requires_action";
      session: Stripe.Checkout.Session;
      paymentIntent: Stripe.PaymentIntent;
    }
  | {
      kind: "declined";
      session: Stripe.Checkout.Session;
      paymentIntent: Stripe.PaymentIntent;
      error: { message: string; code?: string; decline_code?: string } & Record<string, unknown>;
    };

export interface Payer {
  email: string | null;
  name: string | null;
}

/** The hosted 3-D Secure page of a session. */
export function authenticationUrl(ctx: SimContext, sessionId: string): string {
  return `${ctx.baseUrl()}/c/pay/${sessionId}/authenticate`;
}
