import { createHash } from "node:crypto";
import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { docUrl, invalidRequest } from "../http/errors.js";
import type { StripeApiError } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildCharge } from "../objects/charge.js";
import { buildSepaDebitPaymentMethod } from "../objects/payment-method.js";
import { recordChargeTransaction } from "./balance.js";

/**
 * SEPA Direct Debit, a delayed-notification method, as Stripe's test mode runs it: confirming
 * leaves the PaymentIntent `processing` with a `pending` charge; the debit then succeeds or fails
 * later, by the test IBAN Stripe documents (docs.stripe.com/payments/sepa-debit/accept-a-payment,
 * "Test your integration"). Any other valid IBAN succeeds, as any other Luhn-valid card does.
 */
type Outcome = { kind: "succeeds" } | { kind: "fails"; code: string; message: string };

interface TestIban {
  outcome: Outcome;
  /** Stripe's "after at least three minutes" variants; the others settle at once. */
  delayed: boolean;
}

/** Stripe's delayed variants settle after at least three minutes of the stand-in's clock. */
export const DELAYED_SETTLEMENT_SECONDS = 180;
/** Stripe's SEPA Direct Debit price (0.35 EUR a debit) stands in for every debit. */
const SEPA_DEBIT_FEE = 35;

const SUCCEEDS: Outcome = { kind: "succeeds" };
const FAILS: Outcome = {
  kind: "fails",
  code: "generic_could_not_process",
  message: "The payment could not be processed.",
};
const INSUFFICIENT_FUNDS: Outcome = {
  kind: "fails",
  code: "insufficient_funds",
  message: "The customer's account has insufficient funds to cover this payment.",
};

/** success, success after a delay, failure, failure after a delay, insufficient funds. */
const BY_COUNTRY: Array<[string, string, string, string, string]> = [
  [
    "AT611904300234573201",
    "AT321904300235473204",
    "AT861904300235473202",
    "AT051904300235473205",
    "AT981904300002222227",
  ],
  [
    "BE62510007547061",
    "BE78510007547064",
    "BE68539007547034",
    "BE51510007547065",
    "BE90510002222227",
  ],
  [
    "DE89370400440532013000",
    "DE08370400440532013003",
    "DE62370400440532013001",
    "DE78370400440532013004",
    "DE65370400440002222227",
  ],
  [
    "FR1420041010050500013M02606",
    "FR3020041010050500013M02609",
    "FR8420041010050500013M02607",
    "FR7920041010050500013M02600",
    "FR9720041010050000002222227",
  ],
  [
    "IE29AIBK93115212345678",
    "IE24AIBK93115212345671",
    "IE02AIBK93115212345679",
    "IE94AIBK93115212345672",
    "IE10AIBK93115202222227",
  ],
  [
    "LU280019400644750000",
    "LU440019400644750003",
    "LU980019400644750001",
    "LU170019400644750004",
    "LU900010000002222227",
  ],
];

const TEST_IBANS = new Map<string, TestIban>([
  ...BY_COUNTRY.flatMap(([success, successDelayed, failed, failedDelayed, insufficient]) => [
    [success, { outcome: SUCCEEDS, delayed: false }] as const,
    [successDelayed, { outcome: SUCCEEDS, delayed: true }] as const,
    [failed, { outcome: FAILS, delayed: false }] as const,
    [failedDelayed, { outcome: FAILS, delayed: true }] as const,
    [insufficient, { outcome: INSUFFICIENT_FUNDS, delayed: false }] as const,
  ]),
  // The Stripe CLI's checkout.session.async_payment_failed fixture pays with this one.
  ["IT60X0542811101000000123456", { outcome: FAILS, delayed: false }],
]);

export function normalizeIban(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

/** ISO 13616: two letters, two check digits, up to 30 letters or digits; mod 97 equals 1. */
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const digits = [...(iban.slice(4) + iban.slice(0, 4))]
    .map((c) => (c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c))
    .join("");
  let rest = 0;
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  return rest === 1;
}

function ibanFingerprint(iban: string): string {
  return createHash("sha256").update(`stripe-sim:iban:${iban}`).digest("base64url").slice(0, 16);
}

const BY_FINGERPRINT = new Map(
  [...TEST_IBANS].map(([iban, behaviour]) => [ibanFingerprint(iban), behaviour]),
);

function behaviourOf(paymentMethod: Stripe.PaymentMethod): TestIban {
  return (
    BY_FINGERPRINT.get(paymentMethod.sepa_debit?.fingerprint ?? "") ?? {
      outcome: SUCCEEDS,
      delayed: false,
    }
  );
}

export function createSepaDebitPaymentMethod(
  ctx: SimContext,
  rawIban: string,
  billing: Stripe.PaymentMethod.BillingDetails,
  metadata: Record<string, string> = {},
): Stripe.PaymentMethod {
  const iban = normalizeIban(rawIban);
  if (!ibanValid(iban)) {
    throw invalidRequest(
      "The IBAN you provided is invalid.",
      "sepa_debit[iban]",
      "invalid_bank_account_iban",
    );
  }
  const paymentMethod = buildSepaDebitPaymentMethod(
    newId("pm"),
    ctx.clock.nowSeconds(),
    {
      country: iban.slice(0, 2),
      bankCode: iban.slice(4, 12),
      fingerprint: ibanFingerprint(iban),
      last4: iban.slice(-4),
    },
    billing,
    metadata,
  );
  ctx.store.insert("payment_methods", paymentMethod);
  return paymentMethod;
}

/** A PaymentIntent whose payment_method_types do not list the method's type refuses it. */
export function incompatiblePaymentMethod(
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
): StripeApiError {
  return invalidRequest(
    `The provided PaymentMethod of type \`${paymentMethod.type}\` cannot be used with this PaymentIntent, whose payment_method_types are ${JSON.stringify(paymentIntent.payment_method_types)}.`,
    "payment_method",
    "payment_intent_incompatible_payment_method",
  );
}

/**
 * Submits the debit: a `pending` charge (`charge.pending`) and a `processing` PaymentIntent
 * (`payment_intent.processing`); settleDueDebits finishes it later.
 */
export function startDebit(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  origin: EventOrigin,
  now: number,
): Stripe.PaymentIntent {
  if (!paymentIntent.payment_method_types.includes("sepa_debit"))
    throw incompatiblePaymentMethod(paymentIntent, paymentMethod);
  const base = buildCharge(newId("ch"), now, paymentIntent, paymentMethod, { paid: true });
  const charge: Stripe.Charge = {
    ...base,
    paid: false,
    status: "pending",
    receipt_url: `${ctx.baseUrl()}/receipts/${base.id}`,
    payment_method_details: {
      type: "sepa_debit",
      sepa_debit: {
        bank_code: paymentMethod.sepa_debit?.bank_code ?? null,
        branch_code: paymentMethod.sepa_debit?.branch_code ?? null,
        country: paymentMethod.sepa_debit?.country ?? null,
        fingerprint: paymentMethod.sepa_debit?.fingerprint ?? null,
        last4: paymentMethod.sepa_debit?.last4 ?? null,
        mandate: null,
      },
    },
  };
  ctx.store.insert("charges", charge);
  ctx.events.emit("charge.pending", charge, origin);
  const processing: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "processing",
    payment_method: paymentMethod.id,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  };
  ctx.store.replace("payment_intents", processing);
  ctx.events.emit("payment_intent.processing", processing, origin);
  const behaviour = behaviourOf(paymentMethod);
  ctx.db
    .prepare("INSERT OR REPLACE INTO pending_debits (charge_id, due_at) VALUES (?, ?)")
    .run(charge.id, now + (behaviour.delayed ? DELAYED_SETTLEMENT_SECONDS : 0));
  return processing;
}

/**
 * Settles the debits whose time has come (after the request that submitted them, or three
 * minutes later for the delayed IBANs); returns how many. Runs in a transaction.
 */
export function settleDueDebits(ctx: SimContext): number {
  const now = ctx.clock.nowSeconds();
  const rows = ctx.db
    .prepare("SELECT charge_id FROM pending_debits WHERE due_at <= ? ORDER BY due_at, charge_id")
    .all(now) as { charge_id: string }[];
  for (const row of rows) {
    ctx.db.prepare("DELETE FROM pending_debits WHERE charge_id = ?").run(row.charge_id);
    const charge = ctx.store.get("charges", row.charge_id);
    if (charge?.status !== "pending") continue;
    const paymentIntentId =
      typeof charge.payment_intent === "string" ? charge.payment_intent : null;
    const paymentIntent = paymentIntentId
      ? ctx.store.get("payment_intents", paymentIntentId)
      : undefined;
    const paymentMethodId = typeof charge.payment_method === "string" ? charge.payment_method : "";
    const paymentMethod = ctx.store.get("payment_methods", paymentMethodId);
    if (!paymentIntent || paymentIntent.status !== "processing" || !paymentMethod) continue;
    const outcome = behaviourOf(paymentMethod).outcome;
    if (outcome.kind === "succeeds") succeed(ctx, charge, paymentIntent, now);
    else fail(ctx, charge, paymentIntent, paymentMethod, outcome);
  }
  return rows.length;
}

function succeed(
  ctx: SimContext,
  pending: Stripe.Charge,
  paymentIntent: Stripe.PaymentIntent,
  now: number,
): void {
  const charge: Stripe.Charge = {
    ...pending,
    paid: true,
    status: "succeeded",
    balance_transaction: recordChargeTransaction(ctx, pending, SEPA_DEBIT_FEE, now),
  };
  ctx.store.replace("charges", charge);
  ctx.events.emit("charge.succeeded", charge, null);
  const succeeded: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "succeeded",
    amount_received: paymentIntent.amount,
  };
  ctx.store.replace("payment_intents", succeeded);
  ctx.events.emit("payment_intent.succeeded", succeeded, null);
  const session = sessionOf(ctx, paymentIntent.id);
  if (session) {
    const paid: Stripe.Checkout.Session = { ...session, payment_status: "paid" };
    ctx.store.replace("checkout_sessions", paid);
    ctx.events.emit("checkout.session.async_payment_succeeded", paid, null);
  }
}

function fail(
  ctx: SimContext,
  pending: Stripe.Charge,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  outcome: Extract<Outcome, { kind: "fails" }>,
): void {
  const charge: Stripe.Charge = {
    ...pending,
    amount_captured: 0,
    captured: false,
    status: "failed",
    failure_code: outcome.code,
    failure_message: outcome.message,
    outcome: pending.outcome && {
      ...pending.outcome,
      network_status: "declined_by_network",
      seller_message: outcome.message,
      type: "issuer_declined",
    },
  };
  ctx.store.replace("charges", charge);
  ctx.events.emit("charge.failed", charge, null);
  const failed: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "requires_payment_method",
    payment_method: null,
    last_payment_error: {
      charge: charge.id,
      code: outcome.code as Stripe.PaymentIntent.LastPaymentError.Code,
      doc_url: docUrl(outcome.code),
      message: outcome.message,
      payment_method: paymentMethod,
      payment_method_type: "sepa_debit",
      type: "card_error",
    },
  };
  ctx.store.replace("payment_intents", failed);
  ctx.events.emit("payment_intent.payment_failed", failed, null);
  const session = sessionOf(ctx, paymentIntent.id);
  if (session) ctx.events.emit("checkout.session.async_payment_failed", session, null);
}

function sessionOf(ctx: SimContext, paymentIntentId: string): Stripe.Checkout.Session | undefined {
  return ctx.store.list("checkout_sessions", {
    limit: 1,
    filters: [{ path: "$.payment_intent", value: paymentIntentId }],
  }).data[0];
}
