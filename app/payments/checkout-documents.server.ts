import type Stripe from "stripe";
import type { DB, Payment, PaymentUpdate } from "../../db/schema";
import { log } from "../observability/log.server";
import type { BillingAddress } from "./billing-address";
import { errorMessage } from "../lib/errors";

// What a paid one-time Checkout leaves besides the money: the invoice Stripe made for it
// (invoice_creation), the charge's receipt and card, and the buyer's details given on Stripe's
// page (company name, tax id, billing address). They are kept on the payment row so pages and
// emails link and show them without asking Stripe. Every write only fills in: a value once
// known is never replaced by a missing one, and a payment keeps the first invoice it was given,
// so the session event, the invoice events, the success page and the reconciliation agree
// whatever their order and however often they run.

/** The parts of a session Stripe expands to give the invoice, the receipt and the card at once. */
export const SESSION_DOCUMENTS_EXPAND = ["invoice", "payment_intent.latest_charge"];

export interface InvoiceDocument {
  id: string;
  number: string | null;
  hostedUrl: string | null;
  pdfUrl: string | null;
}

export interface ChargeDocument {
  receiptUrl: string | null;
  brand: string | null;
  last4: string | null;
}

export interface CheckoutDocuments {
  invoice: InvoiceDocument | null;
  charge: ChargeDocument | null;
}

export const NO_DOCUMENTS: CheckoutDocuments = { invoice: null, charge: null };

export function invoiceDocument(invoice: Stripe.Invoice): InvoiceDocument {
  return {
    id: invoice.id,
    number: invoice.number ?? null,
    hostedUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}

/**
 * The documents a session carries: the invoice and charge when they were expanded
 * (SESSION_DOCUMENTS_EXPAND), else just the invoice's id.
 */
export function sessionDocuments(session: Stripe.Checkout.Session): CheckoutDocuments {
  const invoice = session.invoice;
  const intent = session.payment_intent;
  const charge = intent && typeof intent !== "string" ? intent.latest_charge : null;
  const card = charge && typeof charge !== "string" ? charge.payment_method_details?.card : null;
  return {
    invoice: !invoice
      ? null
      : typeof invoice === "string"
        ? { id: invoice, number: null, hostedUrl: null, pdfUrl: null }
        : invoiceDocument(invoice),
    charge:
      charge && typeof charge !== "string"
        ? { receiptUrl: charge.receipt_url, brand: card?.brand ?? null, last4: card?.last4 ?? null }
        : null,
  };
}

/**
 * Reads the session again with its invoice and charge expanded (one call). Best effort: a
 * failure is logged and answers what the payload says, since the invoice events and the next
 * page load fill in the rest; fulfilment never waits on a document.
 */
export async function readSessionDocuments(
  stripe: Stripe,
  session: Stripe.Checkout.Session,
): Promise<CheckoutDocuments> {
  const known = sessionDocuments(session);
  if (session.mode !== "payment" || (known.invoice?.hostedUrl && known.charge)) return known;
  try {
    return sessionDocuments(
      await stripe.checkout.sessions.retrieve(session.id, { expand: SESSION_DOCUMENTS_EXPAND }),
    );
  } catch (error) {
    log.warn(
      { sessionId: session.id, err: errorMessage(error) },
      "Reading a Checkout Session's invoice failed; the invoice events fill it in",
    );
    return known;
  }
}

export interface BuyerDetails {
  /** the company's name when one was given, else the payer's */
  name: string | null;
  taxId: { type: string; value: string } | null;
  address: BillingAddress | null;
}

/** The buyer as given on Stripe's page (customer_details), or null when the session has none. */
export function buyerDetails(session: Stripe.Checkout.Session): BuyerDetails | null {
  const details = session.customer_details;
  if (!details) return null;
  const taxId = details.tax_ids?.find((t) => t.value);
  const address = details.address;
  const hasAddress = address && Object.values(address).some((v) => v);
  return {
    name: details.business_name || details.name || null,
    taxId: taxId?.value ? { type: taxId.type, value: taxId.value } : null,
    address: hasAddress
      ? {
          line1: address.line1 ?? null,
          line2: address.line2 ?? null,
          postal_code: address.postal_code ?? null,
          city: address.city ?? null,
          state: address.state ?? null,
          country: address.country ?? null,
        }
      : null,
  };
}

/** The columns this module fills in. */
export const DOCUMENT_COLUMNS = [
  "stripe_invoice_id",
  "invoice_number",
  "invoice_url",
  "invoice_pdf",
  "receipt_url",
  "card_brand",
  "card_last4",
  "billing_name",
  "billing_tax_id_type",
  "billing_tax_id",
  "billing_address",
] as const;

type DocumentRow = Pick<Payment, "id" | (typeof DOCUMENT_COLUMNS)[number]>;

/**
 * Fills in what is known of the payment's invoice, receipt, card and buyer; inside the caller's
 * transaction. Never overwrites a value with a missing one, never moves a payment that
 * already names an invoice to another, and writes nothing when nothing changes (`payment` is
 * the row as read in this transaction). Returns whether anything was written.
 */
export async function recordCheckoutDocuments(
  trx: DB,
  payment: DocumentRow,
  documents: CheckoutDocuments,
  buyer: BuyerDetails | null,
  now: Date,
): Promise<boolean> {
  const set: PaymentUpdate = {};
  const invoice = documents.invoice;
  if (invoice && (payment.stripe_invoice_id === null || payment.stripe_invoice_id === invoice.id)) {
    set.stripe_invoice_id = invoice.id;
    if (invoice.number) set.invoice_number = invoice.number;
    if (invoice.hostedUrl) set.invoice_url = invoice.hostedUrl;
    if (invoice.pdfUrl) set.invoice_pdf = invoice.pdfUrl;
  }
  const charge = documents.charge;
  if (charge?.receiptUrl) set.receipt_url = charge.receiptUrl;
  if (charge?.last4) {
    set.card_brand = charge.brand;
    set.card_last4 = charge.last4;
  }
  if (buyer?.name) set.billing_name = buyer.name;
  if (buyer?.taxId) {
    set.billing_tax_id_type = buyer.taxId.type;
    set.billing_tax_id = buyer.taxId.value;
  }
  if (buyer?.address) set.billing_address = JSON.stringify(buyer.address);
  // Only what changes is written: a repeated delivery leaves the row as it was.
  for (const column of DOCUMENT_COLUMNS)
    if (column in set && set[column] === payment[column]) delete set[column];
  if (Object.keys(set).length === 0) return false;
  let update = trx
    .updateTable("payments")
    .set({ ...set, updated_at: now.toISOString() })
    .where("id", "=", payment.id);
  // The row read may be stale: the invoice is written only where none or the same one is kept.
  if (invoice && set.stripe_invoice_id)
    update = update.where((eb) =>
      eb.or([eb("stripe_invoice_id", "is", null), eb("stripe_invoice_id", "=", invoice.id)]),
    );
  const updated = await update.executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}
