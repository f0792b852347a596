import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest, noSuch, StripeApiError } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildCardPaymentMethod } from "../objects/payment-method.js";
import {
  cardBrand,
  cardFingerprint,
  cardFunding,
  luhnValid,
  normalizeCardNumber,
  TEST_PAYMENT_METHOD_NUMBERS,
} from "./cards.js";

export interface NewCard {
  number: string;
  expMonth: number;
  expYear: number;
}

export function createCardPaymentMethod(
  ctx: SimContext,
  card: NewCard,
  billing: Stripe.PaymentMethod.BillingDetails,
  metadata: Record<string, string> = {},
): Stripe.PaymentMethod {
  const number = normalizeCardNumber(card.number);
  if (!luhnValid(number)) {
    throw new StripeApiError(402, {
      type: "card_error",
      code: "incorrect_number",
      message: "Your card number is incorrect.",
      param: "card[number]",
    });
  }
  const paymentMethod = buildCardPaymentMethod(
    newId("pm"),
    ctx.clock.nowSeconds(),
    {
      brand: cardBrand(number),
      last4: number.slice(-4),
      expMonth: card.expMonth,
      expYear: card.expYear,
      fingerprint: cardFingerprint(number),
      funding: cardFunding(number),
    },
    billing,
    metadata,
  );
  ctx.store.insert("payment_methods", paymentMethod);
  return paymentMethod;
}

/** A test card one year from now: what `pm_card_visa` and `tok_visa` stand for. */
export function testCardNumber(idOrToken: string): string | undefined {
  return TEST_PAYMENT_METHOD_NUMBERS[idOrToken];
}

export function defaultExpiry(ctx: SimContext): { expMonth: number; expYear: number } {
  const now = new Date(ctx.clock.nowSeconds() * 1000);
  return { expMonth: now.getUTCMonth() + 1, expYear: now.getUTCFullYear() + 1 };
}

/**
 * Resolves `payment_method` params. Stripe's magic ids (pm_card_visa, tok_visa ...) become a
 * fresh PaymentMethod each time, as they do in Stripe.
 */
export function resolvePaymentMethod(
  ctx: SimContext,
  id: string,
  param: string,
): Stripe.PaymentMethod {
  const stored = ctx.store.get("payment_methods", id);
  if (stored) return stored;
  const number = testCardNumber(id);
  if (number) {
    return createCardPaymentMethod(
      ctx,
      { number, ...defaultExpiry(ctx) },
      {
        address: {
          city: null,
          country: null,
          line1: null,
          line2: null,
          postal_code: null,
          state: null,
        },
        email: null,
        name: null,
        phone: null,
        tax_id: null,
      },
    );
  }
  throw noSuch("PaymentMethod", id, param);
}

export function attachPaymentMethod(
  ctx: SimContext,
  paymentMethod: Stripe.PaymentMethod,
  customerId: string,
  origin: EventOrigin,
): Stripe.PaymentMethod {
  // Saved methods pay invoices and renewals, which the stand-in charges to cards only: a SEPA
  // Direct Debit method pays the one Checkout Session it was made for.
  if (paymentMethod.type !== "card") {
    throw invalidRequest(
      `stripe-sim attaches only PaymentMethods of type \`card\` to customers, not \`${paymentMethod.type}\`.`,
      "payment_method",
    );
  }
  if (paymentMethod.customer === customerId) return paymentMethod;
  if (paymentMethod.customer) {
    throw invalidRequest(
      "The payment method you provided has already been attached to a customer.",
      "payment_method",
      "payment_method_unexpected_state",
    );
  }
  const attached: Stripe.PaymentMethod = { ...paymentMethod, customer: customerId };
  ctx.store.replace("payment_methods", attached);
  ctx.events.emit("payment_method.attached", attached, origin);
  return attached;
}
