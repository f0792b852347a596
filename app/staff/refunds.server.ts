import type Stripe from "stripe";
import type { Payment, User } from "../../db/schema";
import type { DB } from "../lib/db.server";

// The console's refund action, over the payments module's refund request (which validates the
// refundable amount, calls Stripe with an Idempotency-Key and lets the webhook apply the effects).

export type RefundOutcome =
  | { ok: true; message: string }
  | {
      ok: false;
      status: 400 | 404 | 409 | 502 | 503;
      message: string;
      fieldErrors?: Record<string, string>;
    };

/** What is still refundable of each paid payment, in its minor units. */
export async function refundablePayments(
  _database: DB,
  payments: readonly Pick<Payment, "id" | "status" | "amount" | "stripe_payment_intent_id">[],
): Promise<Map<number, number>> {
  // Until the payments module records refunds, no payment is offered for refund here.
  void payments;
  return new Map<number, number>();
}

export async function refundAction(
  _database: DB,
  _stripe: Stripe,
  _input: {
    staff: Pick<User, "id" | "email">;
    userId: number;
    paymentId: number | null;
    amount: string;
    reason: string;
    requestKey: string;
    now: Date;
  },
): Promise<RefundOutcome> {
  return { ok: false, status: 503, message: "Refunds are not available yet." };
}
