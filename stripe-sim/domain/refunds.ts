import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest } from "../http/errors.js";
import { idOf, newId, randomToken } from "../ids.js";
import { formatAmount } from "../web/money.js";
import { recordBalanceTransaction } from "./balance.js";
import { customerNow } from "./customer-time.js";
import { blockingDispute } from "./disputes.js";
import { previousAttributes } from "./events.js";

export interface RefundRequest {
  charge: Stripe.Charge;
  /** Minor units; the whole unrefunded amount when absent. */
  amount?: number | undefined;
  reason?: Stripe.Refund.Reason | null | undefined;
  metadata?: Record<string, string> | undefined;
}

/**
 * Refunds a succeeded charge, in full or in part, as Stripe does for cards in test mode: the
 * refund succeeds at once, the charge's `amount_refunded` grows (`refunded` once it is whole),
 * a balance transaction takes the amount back (Stripe keeps its fee), and `refund.created` then
 * `charge.refunded` go out. The API and the dashboard's Refund button both come here.
 */
export function createRefund(
  ctx: SimContext,
  request: RefundRequest,
  origin: EventOrigin,
): Stripe.Refund {
  const { charge } = request;
  if (charge.status !== "succeeded" || !charge.paid) {
    throw invalidRequest(
      `Charge ${charge.id} has not succeeded (status ${charge.status}), so it cannot be refunded.`,
      "charge",
    );
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) {
    throw invalidRequest(
      `Charge ${charge.id} has already been refunded.`,
      "charge",
      "charge_already_refunded",
    );
  }
  const disputed = blockingDispute(ctx, charge.id);
  if (disputed) {
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      "charge",
      "charge_disputed",
    );
  }
  const amount = request.amount ?? remaining;
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw invalidRequest("Invalid positive integer", "amount");
  }
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
      "amount",
    );
  }
  const now = Math.max(charge.created, customerNow(ctx, idOf(charge.customer)));
  const id = newId("re");
  const refund: Stripe.Refund = {
    id,
    object: "refund",
    amount,
    balance_transaction: recordBalanceTransaction(ctx, {
      amount: -amount,
      fee: 0,
      currency: charge.currency,
      type: "refund",
      reportingCategory: "refund",
      source: id,
      description: request.reason ? `REFUND FOR CHARGE (${request.reason})` : "REFUND FOR CHARGE",
      created: now,
    }),
    charge: charge.id,
    created: now,
    currency: charge.currency,
    customer: idOf(charge.customer),
    customer_account: null,
    destination_details: {
      type: "card",
      card: {
        reference: randomToken(23).toUpperCase(),
        reference_status: "available",
        reference_type: "acquirer_reference_number",
        type: "refund",
      },
    },
    metadata: request.metadata ?? {},
    payment_intent: idOf(charge.payment_intent),
    payment_method: idOf(charge.payment_method),
    reason: request.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
  ctx.store.insert("refunds", refund);
  const amountRefunded = charge.amount_refunded + amount;
  const refundedCharge: Stripe.Charge = {
    ...charge,
    amount_refunded: amountRefunded,
    refunded: amountRefunded >= charge.amount_captured,
  };
  ctx.store.replace("charges", refundedCharge);
  ctx.events.emit("refund.created", refund, origin);
  ctx.events.emit(
    "charge.refunded",
    refundedCharge,
    origin,
    previousAttributes(charge, refundedCharge),
  );
  return refund;
}

/** Only metadata changes on a refund (as in Stripe); `charge.refund.updated` and `refund.updated` say what it was. */
export function updateRefund(
  ctx: SimContext,
  refund: Stripe.Refund,
  metadata: Record<string, string>,
  origin: EventOrigin,
): Stripe.Refund {
  const updated: Stripe.Refund = { ...refund, metadata };
  if (JSON.stringify(refund.metadata) === JSON.stringify(metadata)) return refund;
  ctx.store.replace("refunds", updated);
  const changed = previousAttributes(refund, updated);
  ctx.events.emit("charge.refund.updated", updated, origin, changed);
  ctx.events.emit("refund.updated", updated, origin, changed);
  return updated;
}

/** The charge a `payment_intent` param refunds: its latest, succeeded charge. */
export function refundableChargeOf(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
): Stripe.Charge {
  const chargeId = idOf(paymentIntent.latest_charge);
  const charge = chargeId ? ctx.store.get("charges", chargeId) : undefined;
  if (!charge || paymentIntent.status !== "succeeded" || charge.status !== "succeeded") {
    throw invalidRequest(
      `This PaymentIntent (${paymentIntent.id}) does not have a successful charge to refund.`,
      "payment_intent",
    );
  }
  return charge;
}

/** A charge's refunds, newest first: what `expand[]=refunds` shows on a charge. */
export function refundsOfCharge(ctx: SimContext, chargeId: string) {
  const page = ctx.store.list("refunds", {
    limit: 100,
    filters: [{ path: "$.charge", value: chargeId }],
  });
  return {
    object: "list" as const,
    data: page.data,
    has_more: page.hasMore,
    url: `/v1/charges/${chargeId}/refunds`,
  };
}
