import type Stripe from "stripe";
import { wireDecimal } from "./price.js";

export interface InvoiceFields {
  customer: Stripe.Customer;
  currency: string;
  subscription: Stripe.Subscription | null;
  billingReason: Stripe.Invoice.BillingReason;
  description: string | null;
  metadata: Record<string, string>;
  periodStart: number;
  periodEnd: number;
  defaultPaymentMethod: string | null;
  autoAdvance: boolean;
  automaticallyFinalizesAt: number | null;
  testClock: string | null;
}

export interface LineFields {
  amount: number;
  currency: string;
  description: string;
  period: { start: number; end: number };
  quantity: number;
  price: Stripe.Price | null;
  proration: boolean;
  subscription: string | null;
  /** The subscription item a period line bills, or the invoice item a line came from. */
  subscriptionItem: string | null;
  invoiceItem: string | null;
  metadata: Record<string, string>;
}

export function buildLine(
  id: string,
  invoiceId: string | null,
  fields: LineFields,
): Stripe.InvoiceLineItem {
  const proration_details = { credited_items: null };
  const parent: Stripe.InvoiceLineItem.Parent = fields.invoiceItem
    ? {
        type: "invoice_item_details",
        invoice_item_details: {
          invoice_item: fields.invoiceItem,
          proration: fields.proration,
          proration_details,
          subscription: fields.subscription,
        },
        subscription_item_details: null,
      }
    : {
        type: "subscription_item_details",
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: fields.proration,
          proration_details,
          subscription: fields.subscription,
          subscription_item: fields.subscriptionItem ?? "",
        },
      };
  return {
    id,
    object: "line_item",
    amount: fields.amount,
    currency: fields.currency,
    description: fields.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: fields.metadata,
    parent,
    period: fields.period,
    pretax_credit_amounts: [],
    pricing: fields.price
      ? {
          type: "price_details",
          price_details: { price: fields.price.id, product: productId(fields.price) },
          unit_amount_decimal: fields.price.unit_amount_decimal,
        }
      : null,
    quantity: fields.quantity,
    quantity_decimal: wireDecimal(String(fields.quantity)),
    subscription: fields.subscription,
    subtotal: fields.amount,
    taxes: [],
  };
}

export function productId(price: Stripe.Price): string {
  return typeof price.product === "string" ? price.product : price.product.id;
}

export function buildInvoice(
  id: string,
  created: number,
  fields: InvoiceFields,
  lines: Stripe.InvoiceLineItem[],
): Stripe.Invoice {
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const customer = fields.customer;
  // The subscription lives at parent.subscription_details only: the pinned API version dropped
  // the top-level `subscription` that older fixtures still show.
  return {
    id,
    object: "invoice",
    account_country: "MA",
    account_name: null,
    account_tax_ids: null,
    amount_due: Math.max(0, total),
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: fields.autoAdvance,
    automatic_tax: {
      disabled_reason: null,
      enabled: false,
      liability: null,
      provider: null,
      status: null,
    },
    automatically_finalizes_at: fields.automaticallyFinalizesAt,
    billing_reason: fields.billingReason,
    collection_method: "charge_automatically",
    confirmation_secret: null,
    created,
    currency: fields.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: fields.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: fields.description,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: fields.metadata,
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: fields.subscription
      ? {
          type: "subscription_details",
          quote_details: null,
          subscription_details: {
            metadata: fields.subscription.metadata,
            subscription: fields.subscription.id,
          },
        }
      : null,
    payment_settings: {
      default_mandate: null,
      payment_method_options: null,
      payment_method_types: null,
    },
    payments: {
      object: "list",
      data: [],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${id}`,
    },
    period_end: fields.periodEnd,
    period_start: fields.periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "draft",
    status_transitions: {
      finalized_at: null,
      marked_uncollectible_at: null,
      paid_at: null,
      voided_at: null,
    },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: fields.testClock,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

export interface InvoiceItemFields {
  customer: string;
  amount: number;
  currency: string;
  description: string | null;
  period: { start: number; end: number };
  price: Stripe.Price | null;
  quantity: number;
  proration: boolean;
  subscription: string | null;
  subscriptionItem: string | null;
  metadata: Record<string, string>;
  testClock: string | null;
}

export function buildInvoiceItem(
  id: string,
  created: number,
  fields: InvoiceItemFields,
): Stripe.InvoiceItem {
  return {
    id,
    object: "invoiceitem",
    amount: fields.amount,
    currency: fields.currency,
    customer: fields.customer,
    customer_account: null,
    date: created,
    description: fields.description,
    discountable: true,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: fields.metadata,
    net_amount: fields.amount,
    parent: fields.subscription
      ? {
          type: "subscription_details",
          subscription_details: {
            subscription: fields.subscription,
            subscription_item: fields.subscriptionItem ?? undefined,
          },
        }
      : null,
    period: fields.period,
    pricing: fields.price
      ? {
          type: "price_details",
          price_details: { price: fields.price.id, product: productId(fields.price) },
          unit_amount_decimal: fields.price.unit_amount_decimal,
        }
      : {
          type: "price_details",
          price_details: undefined,
          unit_amount_decimal: wireDecimal(String(fields.amount)),
        },
    proration: fields.proration,
    quantity: fields.quantity,
    quantity_decimal: wireDecimal(String(fields.quantity)),
    tax_rates: [],
    test_clock: fields.testClock,
  };
}
