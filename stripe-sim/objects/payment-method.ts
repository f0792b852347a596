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

/** What every PaymentMethod carries besides its type's own hash. */
function paymentMethodEnvelope(
  id: string,
  created: number,
  billing: Stripe.PaymentMethod.BillingDetails,
  metadata: Record<string, string>,
) {
  return {
    id,
    object: "payment_method" as const,
    allow_redisplay: "unspecified" as const,
    billing_details: billing,
    created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata,
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
    ...paymentMethodEnvelope(id, created, billing, metadata),
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
    type: "card",
  };
}

export interface SepaDebitDetails {
  country: string;
  bankCode: string;
  fingerprint: string;
  last4: string;
}

export function buildSepaDebitPaymentMethod(
  id: string,
  created: number,
  account: SepaDebitDetails,
  billing: Stripe.PaymentMethod.BillingDetails,
  metadata: Record<string, string>,
): Stripe.PaymentMethod {
  return {
    ...paymentMethodEnvelope(id, created, billing, metadata),
    sepa_debit: {
      bank_code: account.bankCode,
      branch_code: "",
      country: account.country,
      fingerprint: account.fingerprint,
      generated_from: { charge: null, setup_attempt: null },
      last4: account.last4,
    },
    type: "sepa_debit",
  };
}
