import type Stripe from "stripe";
import { fullAddress } from "./customer.js";

export interface CardDetails {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
  funding: string;
}

export interface BillingDetailsInput {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: Partial<Stripe.Address>;
}

export function billingDetails(
  input: BillingDetailsInput | undefined,
): Stripe.PaymentMethod.BillingDetails {
  return {
    address: fullAddress(input?.address),
    email: input?.email || null,
    name: input?.name || null,
    phone: input?.phone || null,
    tax_id: null,
  };
}

export function buildCardPaymentMethod(
  id: string,
  created: number,
  card: CardDetails,
  billing: Stripe.PaymentMethod.BillingDetails,
  metadata: Record<string, string>,
): Stripe.PaymentMethod {
  return {
    id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: billing,
    card: {
      brand: card.brand,
      checks: {
        address_line1_check: null,
        address_postal_code_check: null,
        cvc_check: "unchecked",
      },
      country: "US",
      display_brand: card.brand,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      fingerprint: card.fingerprint,
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata,
    type: "card",
  };
}
