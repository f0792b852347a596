import type Stripe from "stripe";
import { afterCommit, forUpdate } from "../../db/dialect";
import type { DB, User } from "../../db/schema";
import { applyAccess } from "./sync.server";
import { CONFLICT_REFUND_MARK } from "./conflicts.server";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { planById } from "../payments/catalog";
import { countPayment } from "../observability/metrics.server";
import { formatMoney } from "../lib/format";
import type { DisputeEffect } from "../../emails/dispute-notice";
import { expandableId } from "../lib/stripe-ids";

// Refunds (charge.refunded, refund.created, refund.updated) and disputes (charge.dispute.*),
// for the Stripe event table. `prepare` reads the charge and its refunds (or the dispute) from
// Stripe, never the payload; `apply` stores Stripe's totals, which are absolute (the charge's
// amount_refunded, each refund by its id): a redelivery, a reordering, a refund made in
// Stripe's dashboard or through requestRefund all end in the same rows and one email per refund.

export interface ChargeRefunds {
  charge: Stripe.Charge;
  refunds: Stripe.Refund[];
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Reads the charge an event's refund or charge names, and all its refunds. */
export async function readChargeRefunds(
  stripe: Stripe,
  object: { object: string; id: string; charge?: string | Stripe.Charge | null },
): Promise<ChargeRefunds | null> {
  const chargeId = object.object === "charge" ? object.id : expandableId(object.charge);
  if (!chargeId) return null;
  const charge = await stripe.charges.retrieve(chargeId);
  const refunds: Stripe.Refund[] = [];
  for await (const refund of stripe.refunds.list({ charge: chargeId, limit: 100 }))
    refunds.push(refund);
  return { charge, refunds };
}

interface Owner {
  user: User;
  payment: { id: number; amount: number; plan: string; currency: string; status: string } | null;
  invoice: { stripe_invoice_id: string; number: string | null; amount_paid: number } | null;
}

/** The member, and their one-time payment or subscription invoice, a charge paid for. */
async function ownerOfCharge(
  trx: DB,
  paymentIntentId: string | null,
  lock: boolean,
): Promise<Owner | null> {
  if (!paymentIntentId) return null;
  const paymentQuery = trx
    .selectFrom("payments")
    .select(["id", "user_id", "amount", "plan", "currency", "status"])
    .where("stripe_payment_intent_id", "=", paymentIntentId);
  const payment = await (lock ? forUpdate(trx, paymentQuery) : paymentQuery).executeTakeFirst();
  const invoice = payment
    ? undefined
    : await trx
        .selectFrom("invoices")
        .select(["stripe_invoice_id", "user_id", "number", "amount_paid"])
        .where("stripe_payment_intent_id", "=", paymentIntentId)
        .executeTakeFirst();
  const userId = payment?.user_id ?? invoice?.user_id;
  if (userId === undefined) return null;
  const user = await trx
    .selectFrom("users")
    .selectAll()
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return { user, payment: payment ?? null, invoice: invoice ?? null };
}

/**
 * Stores a charge's refunds: each refund by its id, the refunded total on the payment or
 * invoice it paid, a full refund of a paid year ends that year (status refunded; access then
 * decided by the one access rule: CANCELLED now, unless something else grants it), and one
 * "Your refund" email per succeeded refund. A charge this app does not know is recorded too.
 */
export async function applyChargeRefunds(
  trx: DB,
  { charge, refunds }: ChargeRefunds,
  now: Date,
): Promise<string> {
  const nowIso = now.toISOString();
  const paymentIntentId = expandableId(charge.payment_intent);
  const owner = await ownerOfCharge(trx, paymentIntentId, true);
  for (const refund of refunds) {
    const row = {
      stripe_charge_id: charge.id,
      stripe_payment_intent_id: paymentIntentId,
      user_id: owner?.user.id ?? null,
      payment_id: owner?.payment?.id ?? null,
      stripe_invoice_id: owner?.invoice?.stripe_invoice_id ?? null,
      amount: refund.amount,
      currency: refund.currency.toLowerCase(),
      status: refund.status ?? "pending",
      reason: refund.reason ?? null,
      stripe_created_at: iso(refund.created),
      updated_at: nowIso,
    };
    await trx
      .insertInto("refunds")
      .values({ stripe_refund_id: refund.id, ...row })
      .onConflict((oc) => oc.column("stripe_refund_id").doUpdateSet(row))
      .execute();
  }
  if (!owner)
    return `charge ${charge.id} not paid through this app; ${refunds.length} refund(s) recorded`;

  // Stripe's total, not a sum of our own: counted once however the events arrive.
  const refunded = charge.amount_refunded;
  let ended = false;
  if (owner.payment) {
    // The row is locked (ownerOfCharge): its status is the one this transaction changes.
    ended = refunded >= owner.payment.amount && refunded > 0 && owner.payment.status === "paid";
    await trx
      .updateTable("payments")
      .set({
        refunded_amount: refunded,
        ...(ended ? { status: "refunded" as const, refunded_at: nowIso } : {}),
        updated_at: nowIso,
      })
      .where("id", "=", owner.payment.id)
      .execute();
    if (ended) {
      await applyAccess(trx, owner.user.id, now);
      const plan = owner.payment.plan;
      afterCommit(trx, () => countPayment(plan, "refunded"));
    }
  } else if (owner.invoice) {
    await trx
      .updateTable("invoices")
      .set({ refunded_amount: refunded })
      .where("stripe_invoice_id", "=", owner.invoice.stripe_invoice_id)
      .execute();
  }

  const total = owner.payment?.amount ?? owner.invoice?.amount_paid ?? charge.amount;
  const fullyRefunded = refunded >= total;
  const accessEnded =
    owner.payment !== null &&
    fullyRefunded &&
    (await trx
      .selectFrom("users")
      .select("subscription_status")
      .where("id", "=", owner.user.id)
      .executeTakeFirstOrThrow()
      .then((u) => u.subscription_status !== "ACTIVE"));
  const paidFor = owner.payment
    ? (planById(owner.payment.plan, owner.payment.currency)?.name ?? owner.payment.plan)
    : `invoice ${owner.invoice?.number ?? owner.invoice?.stripe_invoice_id}`;
  const queued: string[] = [];
  for (const refund of refunds) {
    if (refund.status !== "succeeded") continue;
    // A refund that resolved a second membership is told by that email (one email, not two).
    if (refund.metadata?.reason_code === CONFLICT_REFUND_MARK) continue;
    const sent = await enqueueEmail(trx, {
      dedupeKey: `refund:${refund.id}`,
      to: owner.user.email,
      template: "refund",
      props: {
        name: owner.user.name,
        // Raw values: the dispatcher writes them in the member's language when it sends.
        ...(owner.payment
          ? { plan: owner.payment.plan }
          : { invoiceNumber: owner.invoice?.number ?? owner.invoice?.stripe_invoice_id }),
        paidFor,
        amount: { amount: refund.amount, currency: refund.currency },
        full: fullyRefunded && refund.amount >= total,
        accessEnded,
        reference: refund.id,
        dashboardUrl: `${env().appUrl}/dashboard/${owner.user.role}`,
      },
    });
    if (sent) queued.push(refund.id);
  }
  const what = owner.payment
    ? `payment ${owner.payment.id}`
    : `invoice ${owner.invoice?.stripe_invoice_id}`;
  return [
    `${what}: refunded ${refunded} of ${total}${ended ? "; the paid year ended" : ""}`,
    queued.length > 0 ? `emailed ${queued.join(", ")}` : null,
  ]
    .filter(Boolean)
    .join("; ");
}

/** Disputes in these states hold nothing back any more. */
const CLOSED_IN_FAVOUR = ["won", "warning_closed", "prevented"];

/**
 * Stores a dispute as read from Stripe and recomputes the member's access with the one rule:
 * a dispute that is open or lost withholds what it disputes (the paid year, or the
 * subscription its invoice belongs to); won, it grants again. The staff are told by email
 * (STAFF_EMAIL) when it opens and when it closes.
 */
export async function applyDispute(
  trx: DB,
  dispute: Stripe.Dispute,
  eventType: string,
  now: Date,
): Promise<string> {
  const nowIso = now.toISOString();
  const chargeId = expandableId(dispute.charge) ?? "";
  const paymentIntentId = expandableId(dispute.payment_intent);
  const owner = await ownerOfCharge(trx, paymentIntentId, true);
  const closed =
    dispute.status === "won" || dispute.status === "lost" || dispute.status === "warning_closed";
  const row = {
    stripe_charge_id: chargeId,
    stripe_payment_intent_id: paymentIntentId,
    user_id: owner?.user.id ?? null,
    payment_id: owner?.payment?.id ?? null,
    stripe_invoice_id: owner?.invoice?.stripe_invoice_id ?? null,
    amount: dispute.amount,
    currency: dispute.currency.toLowerCase(),
    reason: dispute.reason ?? null,
    status: dispute.status,
    stripe_created_at: iso(dispute.created),
    closed_at: closed ? nowIso : null,
    updated_at: nowIso,
  };
  const before = await trx
    .selectFrom("disputes")
    .select(["status", "closed_at"])
    .where("stripe_dispute_id", "=", dispute.id)
    .executeTakeFirst();
  await trx
    .insertInto("disputes")
    .values({ stripe_dispute_id: dispute.id, ...row })
    .onConflict((oc) =>
      oc
        .column("stripe_dispute_id")
        .doUpdateSet({ ...row, closed_at: before?.closed_at ?? row.closed_at }),
    )
    .execute();
  const accessLine = owner ? await applyAccess(trx, owner.user.id, now) : null;

  const amount = formatMoney(dispute.amount, dispute.currency);
  const staff = env().staffEmail;
  const outcome = CLOSED_IN_FAVOUR.includes(dispute.status)
    ? "won"
    : dispute.status === "lost"
      ? "lost"
      : "opened";
  const notices: string[] = [];
  if (staff && (eventType === "charge.dispute.created" || closed)) {
    const effect: DisputeEffect = !owner
      ? "not_ours"
      : outcome === "opened"
        ? "suspended"
        : outcome === "won"
          ? "restored"
          : "stays_ended";
    const key = `dispute-notice:${dispute.id}:${outcome}`;
    if (
      await enqueueEmail(trx, {
        dedupeKey: key,
        to: staff,
        template: "dispute-notice",
        props: {
          outcome,
          disputeId: dispute.id,
          chargeId,
          amount: { amount: dispute.amount, currency: dispute.currency },
          reason: dispute.reason ?? "unknown",
          member: owner ? `${owner.user.name} <${owner.user.email}> (#${owner.user.id})` : null,
          effect,
        },
      })
    )
      notices.push(key);
  }
  return [
    `dispute ${dispute.id} ${dispute.status} (${amount})`,
    owner ? `member ${owner.user.id}` : `charge ${chargeId} not paid through this app`,
    accessLine,
    notices.length > 0 ? `staff told (${notices.join(", ")})` : null,
  ]
    .filter(Boolean)
    .join("; ");
}

/** Reads a dispute from Stripe (the event's payload may be older than another delivery). */
export async function readDispute(stripe: Stripe, disputeId: string): Promise<Stripe.Dispute> {
  return stripe.disputes.retrieve(disputeId);
}
