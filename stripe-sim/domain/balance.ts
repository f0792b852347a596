import type Stripe from "stripe";
import type { SimContext } from "../api/context.js";
import { newId } from "../ids.js";

/**
 * Stripe's standard card pricing (2.9% + 30 minor units) stands in for every currency, and its
 * dispute fee (15.00) for every dispute: enough for reports to show revenue net of fees.
 */
const CARD_FEE_RATE = 0.029;
const CARD_FEE_FIXED = 30;
export const DISPUTE_FEE = 1500;
/** Funds become available two days after the transaction, at midnight UTC. */
const SETTLEMENT_DAYS = 2;
const DAY = 24 * 60 * 60;

export function cardFee(amount: number): number {
  return Math.round(amount * CARD_FEE_RATE) + CARD_FEE_FIXED;
}

export interface BalanceEntry {
  amount: number;
  fee: number;
  feeDescription?: string;
  currency: string;
  type: Stripe.BalanceTransaction.Type;
  reportingCategory: string;
  source: string;
  description: string | null;
  created: number;
}

/** Records how a charge, refund or dispute moves the balance; returns the transaction's id. */
export function recordBalanceTransaction(ctx: SimContext, entry: BalanceEntry): string {
  const availableOn = Math.floor((entry.created + SETTLEMENT_DAYS * DAY) / DAY) * DAY;
  const transaction: Stripe.BalanceTransaction = {
    id: newId("txn"),
    object: "balance_transaction",
    amount: entry.amount,
    available_on: availableOn,
    balance_type: "payments",
    created: entry.created,
    currency: entry.currency,
    description: entry.description,
    exchange_rate: null,
    fee: entry.fee,
    fee_details:
      entry.fee === 0
        ? []
        : [
            {
              amount: entry.fee,
              application: null,
              currency: entry.currency,
              description: entry.feeDescription ?? "Stripe processing fees",
              type: "stripe_fee",
            },
          ],
    net: entry.amount - entry.fee,
    reporting_category: entry.reportingCategory,
    source: entry.source,
    status: "pending",
    type: entry.type,
  };
  ctx.store.insert("balance_transactions", transaction);
  return transaction.id;
}

/** `pending` until `available_on`, then `available`, judged on the stand-in's clock when read. */
export function withCurrentStatus(
  ctx: SimContext,
  transaction: Stripe.BalanceTransaction,
): Stripe.BalanceTransaction {
  const status = transaction.available_on <= ctx.clock.nowSeconds() ? "available" : "pending";
  return status === transaction.status ? transaction : { ...transaction, status };
}

/** The balance transaction of a paid charge (type `charge`); returns its id. */
export function recordChargeTransaction(
  ctx: SimContext,
  charge: Stripe.Charge,
  fee: number,
  created: number,
): string {
  return recordBalanceTransaction(ctx, {
    amount: charge.amount,
    fee,
    currency: charge.currency,
    type: "charge",
    reportingCategory: "charge",
    source: charge.id,
    description: charge.description,
    created,
  });
}
