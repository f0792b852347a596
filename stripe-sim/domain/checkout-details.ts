import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { idOf, newId } from "../ids.js";
import { buildCustomerDetails } from "../objects/checkout-session.js";
import { buildInvoice, buildInvoiceItem, buildLine } from "../objects/invoice.js";
import { previousAttributes } from "./events.js";
import { customerNow } from "./customer-time.js";
import { invoiceNumber } from "./invoice-numbers.js";
import { createTaxId, customerTaxIds } from "./tax-ids.js";

/** What the hosted page collected beyond the card: kept until the payment completes (3-D Secure may come between). */
export interface CollectedDetails {
  businessName: string | null;
  taxId: { type: string; value: string } | null;
  /** The full billing address, when the session asked for it. */
  address: Stripe.Address | null;
}

const key = (sessionId: string) => `checkout-collected:${sessionId}`;

export function saveCollectedDetails(
  ctx: SimContext,
  sessionId: string,
  details: CollectedDetails,
): void {
  ctx.billingNotes.set(key(sessionId), details);
}

export function collectedDetails(ctx: SimContext, sessionId: string): CollectedDetails | undefined {
  return ctx.billingNotes.get<CollectedDetails>(key(sessionId));
}

export interface PayerDetails {
  email: string | null;
  name: string | null;
  billing: Stripe.PaymentMethod.BillingDetails | null;
}

/** `customer_details` of a completed session: the payer, the billing address, the business and its tax id. */
export function sessionCustomerDetails(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  payer: PayerDetails,
): Stripe.Checkout.Session.CustomerDetails {
  const collected = collectedDetails(ctx, session.id);
  const base = buildCustomerDetails(
    payer.email ?? payer.billing?.email ?? session.customer_email,
    payer.name ?? payer.billing?.name ?? null,
    collected?.address ?? payer.billing?.address ?? null,
    payer.billing?.phone ?? null,
  );
  return {
    ...base,
    business_name: collected?.businessName ?? null,
    individual_name: collected?.businessName ? base.name : null,
    tax_ids: collected?.taxId
      ? [
          {
            type: collected.taxId.type as Stripe.Checkout.Session.CustomerDetails.TaxId.Type,
            value: collected.taxId.value,
          },
        ]
      : [],
  };
}

/**
 * Saves what the page collected on the customer: always on a customer Checkout made, and on an
 * existing one as `customer_update` allows (name and address), as Stripe does. A collected tax id
 * becomes one of the customer's tax ids (`customer.tax_id.created`).
 */
export function saveDetailsOnCustomer(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  customerId: string,
  details: Stripe.Checkout.Session.CustomerDetails,
  madeByCheckout: boolean,
  origin: EventOrigin,
): void {
  const customer = ctx.store.get("customers", customerId);
  if (!customer || customer.deleted) return;
  const update = ctx.sessionSettings.get(session.id)?.customerUpdate;
  const name = details.business_name ?? details.name;
  const next: Stripe.Customer = {
    ...customer,
    ...((madeByCheckout || update?.name === "auto") && name ? { name } : {}),
    ...((madeByCheckout || update?.address === "auto") && details.address
      ? { address: details.address }
      : {}),
  };
  const changed = previousAttributes(customer, next);
  if (Object.keys(changed).length > 0) {
    ctx.store.replace("customers", next);
    ctx.events.emit("customer.updated", next, origin, changed);
  }
  const taxId = details.tax_ids?.[0];
  if (taxId?.value) {
    const known = customerTaxIds(ctx, customerId).some(
      (t) => t.type === taxId.type && t.value === taxId.value,
    );
    if (!known) createTaxId(ctx, customerId, { type: taxId.type, value: taxId.value }, origin);
  }
}

/**
 * `invoice_creation[enabled]` in payment mode: after the payment, a paid invoice for the
 * session's line items (number, hosted page, PDF), with the description, footer, metadata and
 * custom fields of `invoice_data` and the customer's name, address and tax ids. Emits
 * invoice.created, invoice.finalized, invoice.paid and invoice.payment_succeeded.
 */
export function createCheckoutInvoice(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
  customerId: string,
  paymentIntent: Stripe.PaymentIntent,
  origin: EventOrigin,
): Stripe.Invoice {
  const customer = ctx.store.get("customers", customerId);
  if (!customer || customer.deleted) throw new Error(`checkout invoice: no customer ${customerId}`);
  const now = customerNow(ctx, customerId);
  const id = newId("in");
  // Each line item becomes an invoice item of the invoice, as Stripe bills one-time items.
  const lines = ctx.lineItems.all(session.id).map((item) => {
    const invoiceItem: Stripe.InvoiceItem = {
      ...buildInvoiceItem(newId("ii"), now, {
        customer: customerId,
        amount: item.amount_total,
        currency: item.currency,
        description: item.description ?? null,
        period: { start: now, end: now },
        price: item.price,
        quantity: item.quantity ?? 1,
        proration: false,
        subscription: null,
        subscriptionItem: null,
        metadata: item.metadata ?? {},
        testClock: idOf(customer.test_clock),
      }),
      invoice: id,
    };
    ctx.store.insert("invoiceitems", invoiceItem);
    ctx.events.emit("invoiceitem.created", invoiceItem, origin);
    return buildLine(newId("il"), id, {
      amount: item.amount_total,
      currency: item.currency,
      description: item.description ?? "",
      period: { start: now, end: now },
      quantity: item.quantity ?? 1,
      price: item.price,
      proration: false,
      subscription: null,
      subscriptionItem: null,
      invoiceItem: invoiceItem.id,
      metadata: item.metadata ?? {},
    });
  });
  const data = session.invoice_creation?.invoice_data;
  const draft = buildInvoice(
    id,
    now,
    {
      customer,
      currency: session.currency ?? paymentIntent.currency,
      subscription: null,
      billingReason: "manual",
      description: data?.description ?? null,
      metadata: data?.metadata ?? {},
      periodStart: now,
      periodEnd: now,
      defaultPaymentMethod: null,
      autoAdvance: false,
      automaticallyFinalizesAt: null,
      testClock: idOf(customer.test_clock),
    },
    lines,
  );
  const created: Stripe.Invoice = {
    ...draft,
    footer: data?.footer ?? null,
    custom_fields: data?.custom_fields ?? null,
    customer_tax_ids: customerTaxIds(ctx, customerId).map((t) => ({
      type: t.type as Stripe.Invoice.CustomerTaxId.Type,
      value: t.value,
    })),
  };
  ctx.store.insert("invoices", created);
  ctx.events.emit("invoice.created", created, origin);
  const base = `${ctx.baseUrl()}/i/${id}`;
  const finalized: Stripe.Invoice = {
    ...created,
    status: "open",
    number: invoiceNumber(ctx, customerId),
    hosted_invoice_url: base,
    invoice_pdf: `${base}/pdf`,
    effective_at: now,
    status_transitions: { ...created.status_transitions, finalized_at: now },
    payments: {
      object: "list",
      data: [
        {
          id: newId("inpay"),
          object: "invoice_payment",
          amount_paid: paymentIntent.amount_received,
          amount_requested: paymentIntent.amount,
          created: now,
          currency: paymentIntent.currency,
          invoice: id,
          is_default: true,
          livemode: false,
          payment: { type: "payment_intent", payment_intent: paymentIntent.id },
          status: "paid",
          status_transitions: { canceled_at: null, paid_at: now },
        },
      ],
      has_more: false,
      url: `/v1/invoice_payments?invoice=${id}`,
    },
  };
  ctx.store.replace("invoices", finalized);
  ctx.events.emit("invoice.finalized", finalized, origin);
  const paid: Stripe.Invoice = {
    ...finalized,
    status: "paid",
    amount_paid: finalized.amount_due,
    amount_remaining: 0,
    attempted: true,
    attempt_count: 1,
    status_transitions: { ...finalized.status_transitions, paid_at: now },
  };
  ctx.store.replace("invoices", paid);
  ctx.events.emit("invoice.paid", paid, origin);
  ctx.events.emit("invoice.payment_succeeded", paid, origin);
  return paid;
}
