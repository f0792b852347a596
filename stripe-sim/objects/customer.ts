import type Stripe from "stripe";
import { randomToken } from "../ids.js";

export interface CustomerFields {
  email: string | null;
  name: string | null;
  description: string | null;
  phone: string | null;
  metadata: Record<string, string>;
  address: Stripe.Address | null;
  shipping: Stripe.Customer.Shipping | null;
  preferredLocales: string[];
  defaultPaymentMethod: string | null;
  testClock?: string | null;
}

export function buildCustomer(
  id: string,
  created: number,
  fields: CustomerFields,
): Stripe.Customer {
  return {
    id,
    object: "customer",
    address: fields.address,
    balance: 0,
    created,
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description,
    discount: null,
    email: fields.email,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: fields.defaultPaymentMethod,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: fields.metadata,
    name: fields.name,
    next_invoice_sequence: 1,
    phone: fields.phone,
    preferred_locales: fields.preferredLocales,
    shipping: fields.shipping,
    tax_exempt: "none",
    test_clock: fields.testClock ?? null,
  };
}

export function fullAddress(input: Partial<Stripe.Address> | undefined): Stripe.Address {
  return {
    city: input?.city ?? null,
    country: input?.country ?? null,
    line1: input?.line1 ?? null,
    line2: input?.line2 ?? null,
    postal_code: input?.postal_code ?? null,
    state: input?.state ?? null,
  };
}
