import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { invalidRequest } from "../http/errors.js";
import { idOf, newId } from "../ids.js";
import { DISPUTE_FEE, recordBalanceTransaction } from "./balance.js";
import { disputeKindForFingerprint } from "./cards.js";
import type { DisputeKind } from "./cards.js";
import { customerNow } from "./customer-time.js";
import { previousAttributes } from "./events.js";

/** Stripe gives about a week to answer a test dispute. */
const EVIDENCE_DAYS = 7;
const DAY = 24 * 60 * 60;

const CLOSED_STATUSES: ReadonlyArray<string> = ["won", "lost", "warning_closed", "prevented"];

/** What Stripe's test mode does with `evidence[uncategorized_text]`. */
const WINNING_EVIDENCE = "winning_evidence";
const LOSING_EVIDENCE = "losing_evidence";

export function isDisputeClosed(dispute: Stripe.Dispute): boolean {
  return CLOSED_STATUSES.includes(dispute.status);
}

export function caseType(dispute: Stripe.Dispute): string {
  return dispute.payment_method_details?.card?.case_type ?? "chargeback";
}

/**
 * A charge made with a dispute test card (4000 0000 0000 0259, 4000 0000 0000 1976) succeeds;
 * its dispute opens once the request that paid it has finished (see openDueDisputes), as
 * Stripe's arrives after the payment's own events.
 */
export function scheduleTestDispute(
  ctx: SimContext,
  charge: Stripe.Charge,
  paymentMethod: Stripe.PaymentMethod,
): void {
  const kind = disputeKindForFingerprint(paymentMethod.card?.fingerprint);
  if (!kind) return;
  ctx.db
    .prepare("INSERT OR IGNORE INTO pending_disputes (charge_id, kind) VALUES (?, ?)")
    .run(charge.id, kind);
}

/** Opens the disputes scheduled by test cards; returns how many opened. Runs in a transaction. */
export function openDueDisputes(ctx: SimContext): number {
  const rows = ctx.db.prepare("SELECT charge_id, kind FROM pending_disputes").all() as {
    charge_id: string;
    kind: DisputeKind;
  }[];
  for (const row of rows) {
    ctx.db.prepare("DELETE FROM pending_disputes WHERE charge_id = ?").run(row.charge_id);
    const charge = ctx.store.get("charges", row.charge_id);
    if (charge && charge.status === "succeeded") openDispute(ctx, charge, row.kind, null);
  }
  return rows.length;
}

function withdrawal(ctx: SimContext, dispute: Stripe.Dispute, created: number) {
  const id = recordBalanceTransaction(ctx, {
    amount: -dispute.amount,
    fee: DISPUTE_FEE,
    feeDescription: "Dispute fee",
    currency: dispute.currency,
    type: "adjustment",
    reportingCategory: "dispute",
    source: dispute.id,
    description: `Chargeback withdrawal for ${idOf(dispute.charge) ?? ""}`,
    created,
  });
  return ctx.store.get("balance_transactions", id);
}

function reinstatement(ctx: SimContext, dispute: Stripe.Dispute, created: number) {
  const id = recordBalanceTransaction(ctx, {
    amount: dispute.amount,
    fee: -DISPUTE_FEE,
    feeDescription: "Dispute fee refund",
    currency: dispute.currency,
    type: "adjustment",
    reportingCategory: "dispute_reversal",
    source: dispute.id,
    description: `Chargeback reversal for ${idOf(dispute.charge) ?? ""}`,
    created,
  });
  return ctx.store.get("balance_transactions", id);
}

export function openDispute(
  ctx: SimContext,
  charge: Stripe.Charge,
  kind: DisputeKind,
  origin: EventOrigin,
): Stripe.Dispute {
  const now = Math.max(charge.created, customerNow(ctx, idOf(charge.customer)));
  const card = charge.payment_method_details?.card;
  const inquiry = kind === "inquiry";
  const base: Stripe.Dispute = {
    id: newId("dp"),
    object: "dispute",
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + EVIDENCE_DAYS * DAY,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: idOf(charge.payment_intent),
    payment_method_details: {
      type: "card",
      card: {
        brand: card?.brand ?? "visa",
        case_type: inquiry ? "inquiry" : "chargeback",
        network: card?.network ?? card?.brand ?? "visa",
        network_reason_code: inquiry ? null : "10.4",
      },
    },
    reason: inquiry ? "general" : "fraudulent",
    status: inquiry ? "warning_needs_response" : "needs_response",
  };
  const withdrawn = inquiry ? undefined : withdrawal(ctx, base, now);
  const dispute: Stripe.Dispute = withdrawn ? { ...base, balance_transactions: [withdrawn] } : base;
  ctx.store.insert("disputes", dispute);
  ctx.store.replace("charges", { ...charge, disputed: true });
  ctx.events.emit("charge.dispute.created", dispute, origin);
  if (withdrawn) ctx.events.emit("charge.dispute.funds_withdrawn", dispute, origin);
  return dispute;
}

function emptyEvidence(): Stripe.Dispute.Evidence {
  return {
    access_activity_log: null,
    billing_address: null,
    cancellation_policy: null,
    cancellation_policy_disclosure: null,
    cancellation_rebuttal: null,
    customer_communication: null,
    customer_email_address: null,
    customer_name: null,
    customer_purchase_ip: null,
    customer_signature: null,
    duplicate_charge_documentation: null,
    duplicate_charge_explanation: null,
    duplicate_charge_id: null,
    enhanced_evidence: {},
    product_description: null,
    receipt: null,
    refund_policy: null,
    refund_policy_disclosure: null,
    refund_refusal_explanation: null,
    service_date: null,
    service_documentation: null,
    shipping_address: null,
    shipping_carrier: null,
    shipping_date: null,
    shipping_documentation: null,
    shipping_tracking_number: null,
    uncategorized_file: null,
    uncategorized_text: null,
  };
}

/** The evidence fields the API takes, all text (file ids included). */
export const EVIDENCE_FIELDS = Object.keys(emptyEvidence()).filter(
  (key) => key !== "enhanced_evidence",
) as ReadonlyArray<Exclude<keyof Stripe.Dispute.Evidence, "enhanced_evidence" | "appeal">>;

export interface DisputeUpdate {
  evidence?: Partial<Record<(typeof EVIDENCE_FIELDS)[number], string>>;
  metadata?: Record<string, string>;
  submit?: boolean;
}

function requireOpen(dispute: Stripe.Dispute): void {
  if (isDisputeClosed(dispute)) {
    throw invalidRequest(
      `This dispute is already closed (status ${dispute.status}); it can no longer be updated.`,
      undefined,
      "dispute_already_closed",
    );
  }
}

/**
 * Stores evidence and metadata; submitting (the default, as in Stripe) puts the dispute under
 * review, and Stripe's test texts `winning_evidence` / `losing_evidence` close it won / lost.
 */
export function updateDispute(
  ctx: SimContext,
  dispute: Stripe.Dispute,
  update: DisputeUpdate,
  mergedMetadata: Record<string, string>,
  origin: EventOrigin,
): Stripe.Dispute {
  requireOpen(dispute);
  const evidence: Stripe.Dispute.Evidence = { ...dispute.evidence };
  for (const [key, value] of Object.entries(update.evidence ?? {})) {
    (evidence as unknown as Record<string, string | null>)[key] = value === "" ? null : value;
  }
  const hasEvidence = EVIDENCE_FIELDS.some((key) => evidence[key] !== null);
  const submit = update.submit ?? true;
  const inquiry = caseType(dispute) === "inquiry";
  const updated: Stripe.Dispute = {
    ...dispute,
    evidence,
    metadata: mergedMetadata,
    evidence_details: {
      ...dispute.evidence_details,
      has_evidence: hasEvidence,
      ...(submit
        ? {
            submission_count: dispute.evidence_details.submission_count + 1,
            submission_method: "manual",
          }
        : {}),
    },
    ...(submit ? { status: inquiry ? "warning_under_review" : "under_review" } : {}),
  };
  ctx.store.replace("disputes", updated);
  ctx.events.emit("charge.dispute.updated", updated, origin, previousAttributes(dispute, updated));
  if (!submit) return updated;
  if (evidence.uncategorized_text === WINNING_EVIDENCE)
    return closeDispute(ctx, updated, "won", origin);
  if (evidence.uncategorized_text === LOSING_EVIDENCE)
    return closeDispute(ctx, updated, "lost", origin);
  return updated;
}

/** `POST /v1/disputes/:id/close`: the business accepts the dispute (an inquiry just closes). */
export function acceptDispute(
  ctx: SimContext,
  dispute: Stripe.Dispute,
  origin: EventOrigin,
): Stripe.Dispute {
  requireOpen(dispute);
  return closeDispute(ctx, dispute, caseType(dispute) === "inquiry" ? "won" : "lost", origin);
}

/**
 * Won: a chargeback's funds come back (charge.dispute.funds_reinstated), an inquiry closes as
 * `warning_closed`. Lost: the funds stay withdrawn (an inquiry that loses is withdrawn now).
 */
function closeDispute(
  ctx: SimContext,
  dispute: Stripe.Dispute,
  outcome: "won" | "lost",
  origin: EventOrigin,
): Stripe.Dispute {
  const now = Math.max(dispute.created, customerNow(ctx, customerOf(ctx, dispute)));
  const inquiry = caseType(dispute) === "inquiry";
  const movement =
    outcome === "won"
      ? inquiry
        ? undefined
        : reinstatement(ctx, dispute, now)
      : inquiry
        ? withdrawal(ctx, dispute, now)
        : undefined;
  const closed: Stripe.Dispute = {
    ...dispute,
    status: outcome === "won" ? (inquiry ? "warning_closed" : "won") : "lost",
    is_charge_refundable: false,
    balance_transactions: movement
      ? [...dispute.balance_transactions, movement]
      : dispute.balance_transactions,
  };
  ctx.store.replace("disputes", closed);
  ctx.events.emit("charge.dispute.closed", closed, origin, previousAttributes(dispute, closed));
  if (outcome === "won" && !inquiry)
    ctx.events.emit("charge.dispute.funds_reinstated", closed, origin);
  return closed;
}

function customerOf(ctx: SimContext, dispute: Stripe.Dispute): string | null {
  const chargeId = idOf(dispute.charge);
  const charge = chargeId ? ctx.store.get("charges", chargeId) : undefined;
  return idOf(charge?.customer ?? null);
}

/** A chargeback that is open or lost blocks refunds of its charge; inquiries do not. */
export function blockingDispute(ctx: SimContext, chargeId: string): Stripe.Dispute | undefined {
  return ctx.store
    .list("disputes", { limit: 100, filters: [{ path: "$.charge", value: chargeId }] })
    .data.find((dispute) => !dispute.is_charge_refundable && dispute.status !== "won");
}
