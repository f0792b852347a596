import Stripe from "stripe";
import type { DB } from "../../db/schema";
import { formatMoney } from "../lib/format";
import { errorMessage } from "../lib/errors";

/** Stripe's own refund reasons. */
export const REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export interface RefundRequest {
  /** a one-time payment (payments.id) ... */
  paymentId?: number;
  /** ... or a subscription invoice (invoices.stripe_invoice_id, in_...) */
  invoiceId?: string;
  /** minor units of the payment's currency; at most what is still refundable */
  amount: number;
  reason: RefundReason;
  /**
   * The same key for the same request (a double submit, a retry): Stripe then makes one refund.
   * The staff console makes one per form it shows.
   */
  idempotencyKey: string;
  /** who asks, kept on the refund at Stripe: "staff:<user id>" */
  actor: string;
  /** a short note kept on the refund at Stripe */
  note?: string;
}

export type RefundResult =
  | {
      ok: true;
      refundId: string;
      /** Stripe's: pending, succeeded, requires_action, failed, canceled */
      status: string;
      amount: number;
      currency: string;
    }
  | { ok: false; status: 400 | 404 | 409 | 502; message: string };

const MAX_KEY_LENGTH = 255;
const MAX_NOTE_LENGTH = 500;

interface Refundable {
  paymentIntentId: string;
  /** minor units still refundable */
  refundable: number;
  currency: string;
  metadata: Record<string, string>;
}

function invalid(message: string): RefundResult {
  return { ok: false, status: 400, message };
}

/**
 * Asks Stripe to refund (part of) a paid one-time payment or subscription invoice. Validates
 * the amount against what is still refundable (a 400 and nothing sent to Stripe otherwise) and
 * sends the request with the caller's Idempotency-Key. It writes nothing here: the refund's
 * effects (the payment or invoice row, access, the member's email) arrive through the webhook
 * (charge.refunded, refund.*) like a refund made in Stripe's dashboard, keyed by Stripe's ids,
 * so this call, the dashboard and redeliveries can never double them.
 */
export async function requestRefund(
  db: DB,
  stripe: Stripe,
  request: RefundRequest,
): Promise<RefundResult> {
  const { amount, reason, idempotencyKey, actor } = request;
  if ((request.paymentId === undefined) === (request.invoiceId === undefined))
    return invalid("Name exactly one payment or one invoice to refund.");
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return invalid("The amount must be a whole number of minor units (cents), more than 0.");
  if (!(REFUND_REASONS as readonly string[]).includes(reason))
    return invalid(`The reason must be one of ${REFUND_REASONS.join(", ")}.`);
  if (
    typeof idempotencyKey !== "string" ||
    idempotencyKey.length < 8 ||
    idempotencyKey.length > MAX_KEY_LENGTH
  )
    return invalid("The request needs an idempotency key of 8 to 255 characters.");
  if (typeof actor !== "string" || actor.length === 0 || actor.length > 100)
    return invalid("The request must name who asks for the refund.");
  if (request.note !== undefined && request.note.length > MAX_NOTE_LENGTH)
    return invalid(`The note may be at most ${MAX_NOTE_LENGTH} characters.`);

  const target = await refundableOf(db, request);
  if ("ok" in target) return target;
  if (amount > target.refundable)
    return invalid(
      target.refundable === 0
        ? "Nothing is left to refund on this payment."
        : `At most ${formatMoney(target.refundable, target.currency)} can be refunded.`,
    );

  try {
    const refund = await stripe.refunds.create(
      {
        payment_intent: target.paymentIntentId,
        amount,
        reason,
        metadata: {
          ...target.metadata,
          actor,
          ...(request.note ? { note: request.note } : {}),
        },
      },
      { idempotencyKey: `refund:${idempotencyKey}` },
    );
    return {
      ok: true,
      refundId: refund.id,
      status: refund.status ?? "pending",
      amount: refund.amount,
      currency: refund.currency,
    };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      // Stripe refused the request itself (already refunded, amount above what is left, a
      // key reused with other parameters): nothing was refunded.
      return { ok: false, status: 409, message: `Stripe refused the refund: ${error.message}` };
    }
    console.error(
      `Refund of ${request.paymentId !== undefined ? `payment ${request.paymentId}` : `invoice ${request.invoiceId}`} failed: ${errorMessage(error)}`,
    );
    return {
      ok: false,
      status: 502,
      message:
        "Stripe could not be reached. Try again with the same form: the same key never refunds twice.",
    };
  }
}

async function refundableOf(db: DB, request: RefundRequest): Promise<Refundable | RefundResult> {
  const notFound: RefundResult = { ok: false, status: 404, message: "No such paid payment." };
  if (request.paymentId !== undefined) {
    if (!Number.isSafeInteger(request.paymentId)) return notFound;
    const payment = await db
      .selectFrom("payments")
      .select([
        "id",
        "user_id",
        "status",
        "amount",
        "currency",
        "refunded_amount",
        "stripe_payment_intent_id",
      ])
      .where("id", "=", request.paymentId)
      .executeTakeFirst();
    if (!payment) return notFound;
    if (
      (payment.status !== "paid" && payment.status !== "refunded") ||
      !payment.stripe_payment_intent_id
    )
      return {
        ok: false,
        status: 409,
        message: "This payment was not paid: there is nothing to refund.",
      };
    return {
      paymentIntentId: payment.stripe_payment_intent_id,
      refundable: Math.max(0, payment.amount - payment.refunded_amount),
      currency: payment.currency,
      metadata: { payment_id: String(payment.id), user_id: String(payment.user_id) },
    };
  }
  const invoice = await db
    .selectFrom("invoices")
    .select([
      "stripe_invoice_id",
      "user_id",
      "status",
      "amount_paid",
      "currency",
      "refunded_amount",
      "stripe_payment_intent_id",
    ])
    .where("stripe_invoice_id", "=", String(request.invoiceId).slice(0, 255))
    .executeTakeFirst();
  if (!invoice) return { ok: false, status: 404, message: "No such invoice." };
  if (invoice.status !== "paid" || invoice.amount_paid <= 0 || !invoice.stripe_payment_intent_id)
    return { ok: false, status: 409, message: "This invoice has no payment to refund." };
  return {
    paymentIntentId: invoice.stripe_payment_intent_id,
    refundable: Math.max(0, invoice.amount_paid - invoice.refunded_amount),
    currency: invoice.currency,
    metadata: { invoice_id: invoice.stripe_invoice_id, user_id: String(invoice.user_id) },
  };
}
