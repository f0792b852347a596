import type Stripe from "stripe";
import type { DB, Payment, User } from "../../db/schema";
import type { Language } from "../i18n/config";
import { formatMoney } from "../i18n/format";
import { requestRefund } from "../payments/refunds.server";
import type { Message } from "../i18n/messages";
import { auditedRequest, recordAudit } from "./audit.server";
import { staffMessage } from "./text";

// The console's refund action over the payments module's requestRefund, which validates the
// refundable amount, calls Stripe with an Idempotency-Key and leaves the effects (payment row,
// access, the member's email) to the webhook, as for a refund made in Stripe's dashboard.

export type RefundOutcome =
  | { ok: true; message: Message }
  | {
      ok: false;
      status: 400 | 404 | 409 | 502;
      message: Message;
      fieldErrors?: Record<string, Message>;
    };

/** What is still refundable of each paid payment, in its minor units. */
export async function refundablePayments(
  _database: DB,
  payments: readonly Pick<
    Payment,
    "id" | "status" | "amount" | "refunded_amount" | "stripe_payment_intent_id"
  >[],
): Promise<Map<number, number>> {
  const map = new Map<number, number>();
  for (const p of payments) {
    if ((p.status === "paid" || p.status === "refunded") && p.stripe_payment_intent_id)
      map.set(p.id, Math.max(0, p.amount - p.refunded_amount));
  }
  return map;
}

/**
 * Refunds (part of) one of the member's payments. The Idempotency-Key comes from the nonce of
 * the form the page rendered, so the same form sent twice (a double click, a retry after a
 * timeout) makes one refund at Stripe and one audit entry. An amount that is not a whole number
 * of minor units, or more than is refundable, is a 400 and nothing goes to Stripe; Stripe's
 * refusal is shown with Stripe's message and audited as failed.
 */
export async function refundAction(
  database: DB,
  stripe: Stripe,
  input: {
    staff: Pick<User, "id" | "email">;
    userId: number;
    paymentId: number | null;
    amount: string;
    reason: string;
    requestKey: string;
    now: Date;
    /** the page's language, for the amount in the answer */
    language: Language;
  },
): Promise<RefundOutcome> {
  const payment =
    input.paymentId === null
      ? undefined
      : await database
          .selectFrom("payments")
          .select([
            "id",
            "status",
            "amount",
            "currency",
            "refunded_amount",
            "stripe_payment_intent_id",
          ])
          .where("id", "=", input.paymentId)
          .where("user_id", "=", input.userId)
          .executeTakeFirst();
  if (!payment)
    return { ok: false, status: 404, message: staffMessage("staff:messages.noSuchPayment") };
  if (!/^[0-9]{1,12}$/.test(input.amount.trim()) || Number(input.amount) <= 0) {
    const message = staffMessage("staff:messages.amountInvalid");
    return { ok: false, status: 400, message, fieldErrors: { amount: message } };
  }
  const amount = Number(input.amount.trim());
  const previous = await auditedRequest(database, input.requestKey);
  if (previous?.outcome === "done")
    return { ok: true, message: staffMessage("staff:messages.refundAlready") };
  const refundable = (await refundablePayments(database, [payment])).get(payment.id);
  if (refundable === undefined)
    return { ok: false, status: 409, message: staffMessage("staff:messages.notRefundable") };
  if (amount > refundable) {
    const message = staffMessage("staff:messages.amountTooLarge", { refundable });
    return { ok: false, status: 400, message, fieldErrors: { amount: message } };
  }

  const before = {
    payment: payment.id,
    status: payment.status,
    amount: payment.amount,
    refunded_amount: payment.refunded_amount,
    currency: payment.currency,
  };
  const result = await requestRefund(database, stripe, {
    paymentId: payment.id,
    amount,
    reason: "requested_by_customer",
    idempotencyKey: `staff:${input.requestKey}`,
    actor: `staff:${input.staff.id}`,
    note: input.reason.slice(0, 500),
  });
  // The checks above leave the payments module little to refuse; its words are English.
  if (!result.ok && (result.status === 400 || result.status === 404)) {
    const message = staffMessage("staff:messages.refundNotMade", { message: result.message });
    return { ok: false, status: result.status, message, fieldErrors: { amount: message } };
  }
  await recordAudit(database, {
    staff: input.staff,
    action: "refund",
    targetUserId: input.userId,
    target: `payment ${payment.id}`,
    reason: input.reason,
    before,
    after: result.ok
      ? {
          refund: result.refundId,
          status: result.status,
          amount: result.amount,
          currency: result.currency,
        }
      : null,
    outcome: result.ok ? "done" : "failed",
    error: result.ok ? null : result.message,
    requestKey: input.requestKey,
    at: input.now,
  });
  if (!result.ok)
    return {
      ok: false,
      status: result.status,
      message: staffMessage("staff:messages.refundNotMade", { message: result.message }),
    };
  return {
    ok: true,
    message: staffMessage("staff:messages.refundRequested", {
      amount: formatMoney(result.amount, result.currency, input.language),
      status: result.status,
    }),
  };
}
