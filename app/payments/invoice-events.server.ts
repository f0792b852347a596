import Stripe from "stripe";
import type { DB } from "../../db/schema";
import {
  DOCUMENT_COLUMNS,
  invoiceDocument,
  recordCheckoutDocuments,
} from "./checkout-documents.server";
import { expandableId } from "../lib/stripe-ids";

// The invoice a one-time Checkout makes (invoice_creation) also arrives through invoice.*
// events, before or after checkout.session.completed as Stripe delivers them. The events that
// give it a number and a page (finalized, paid) read it from Stripe and keep it on the payment
// its metadata names; the others have nothing to add. Either order ends with the same row.

/** The events after which a one-time invoice has its number, hosted page and PDF. */
const READ_ON: ReadonlySet<string> = new Set(["invoice.finalized", "invoice.paid"]);

export type OneTimeInvoiceRead =
  | { kind: "read"; invoice: Stripe.Invoice; paymentId: number; userId: number }
  | { kind: "note"; note: string };

/** An invoice this app's one-time Checkout made: its metadata names the payment and member. */
export function isOneTimeInvoice(invoice: Stripe.Invoice): boolean {
  return Boolean(invoice.metadata?.payment_id && invoice.metadata?.user_id);
}

/** Before the transaction: the invoice as Stripe has it now (never the event's payload). */
export async function readOneTimeInvoice(
  stripe: Stripe,
  type: string,
  payload: Stripe.Invoice,
): Promise<OneTimeInvoiceRead> {
  if (!READ_ON.has(type))
    return { kind: "note", note: "one-time invoice; kept from invoice.finalized and invoice.paid" };
  const paymentId = Number(payload.metadata?.payment_id);
  const userId = Number(payload.metadata?.user_id);
  if (!Number.isSafeInteger(paymentId) || !Number.isSafeInteger(userId))
    return { kind: "note", note: "one-time invoice with malformed metadata; ignored" };
  try {
    const invoice = await stripe.invoices.retrieve(payload.id!);
    return { kind: "read", invoice, paymentId, userId };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
      return { kind: "note", note: `invoice not found at Stripe: ${error.message}` };
    throw error;
  }
}

/**
 * Inside the event's transaction: the invoice's number, page and PDF on its payment, when the
 * payment is the member's and the invoice's customer is theirs. Returns the ledger note.
 */
export async function applyOneTimeInvoice(
  trx: DB,
  read: OneTimeInvoiceRead,
  now: Date,
): Promise<string> {
  if (read.kind === "note") return read.note;
  const { invoice, paymentId, userId } = read;
  const payment = await trx
    .selectFrom("payments")
    .select(["id", ...DOCUMENT_COLUMNS])
    .where("id", "=", paymentId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!payment) return "one-time invoice names no payment of this app; ignored";
  const customerId = expandableId(invoice.customer);
  const owner = await trx
    .selectFrom("stripe_customers")
    .select("user_id")
    .where("stripe_customer_id", "=", customerId ?? "")
    .executeTakeFirst();
  if (owner?.user_id !== userId)
    return `one-time invoice's customer is not payment ${paymentId}'s member; ignored`;
  if (payment.stripe_invoice_id && payment.stripe_invoice_id !== invoice.id)
    return `payment ${paymentId} already has invoice ${payment.stripe_invoice_id}; unchanged`;
  const written = await recordCheckoutDocuments(
    trx,
    payment,
    { invoice: invoiceDocument(invoice), charge: null },
    null,
    now,
  );
  return written
    ? `invoice ${invoice.number ?? invoice.id} kept on payment ${paymentId}`
    : `payment ${paymentId} unchanged`;
}
