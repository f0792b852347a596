import Stripe from "stripe";
import type { DB } from "../../db/schema";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { planById } from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { formatMoney } from "../lib/format";
import { writeTransaction } from "../../db/dialect";
import { CONFLICT_REFUND_MARK, recordConflict } from "./conflicts.server";

// One membership at a time (decision 17). When a Checkout completes, the member's other open
// sessions are expired at Stripe. If a second product still completes (two tabs paid in the
// same second, a subscription made outside the app), the first completed purchase stands and
// the later one is ended here: a subscription cancelled at once and its charge refunded, a
// paid year refunded. Every Stripe call carries an Idempotency-Key naming the object it ends,
// and the record and the email are keyed the same way, so retries and redeliveries do it once.

const GRANTING = ["trialing", "active", "past_due"];
const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === "string" ? value : value.id;

/** Expires the member's other open Checkout Sessions at Stripe (a paid or expired one is left). */
export async function expireOtherOpenCheckouts(
  db: DB,
  stripe: Stripe,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string[]> {
  const userId = Number(session.metadata?.user_id ?? session.client_reference_id);
  if (!Number.isSafeInteger(userId)) return [];
  const open = await db
    .selectFrom("payments")
    .select(["id", "stripe_checkout_session_id"])
    .where("user_id", "=", userId)
    .where("status", "=", "pending")
    .where("stripe_checkout_session_id", "is not", null)
    .where("stripe_checkout_session_id", "!=", session.id)
    .where("checkout_expires_at", ">", now.toISOString())
    .execute();
  const expired: string[] = [];
  for (const row of open) {
    const id = row.stripe_checkout_session_id!;
    try {
      await stripe.checkout.sessions.expire(id);
      expired.push(id);
    } catch (error) {
      // Already complete or expired (Stripe answers 400): nothing to stop. Anything else
      // (Stripe down, a 5xx, a timeout) fails the event before it wrote anything: the webhook
      // answers 5xx and Stripe's retry expires what is still open (expiring is idempotent).
      if (error instanceof Stripe.errors.StripeInvalidRequestError) continue;
      throw error;
    }
  }
  return expired;
}

async function refundCharge(
  stripe: Stripe,
  paymentIntentId: string,
  key: string,
  metadata: Record<string, string>,
): Promise<Stripe.Refund | null> {
  try {
    return await stripe.refunds.create(
      {
        payment_intent: paymentIntentId,
        reason: "duplicate",
        metadata: { ...metadata, reason_code: CONFLICT_REFUND_MARK },
      },
      { idempotencyKey: key },
    );
  } catch (error) {
    // Already refunded in full (a retry after our own refund): nothing left to give back.
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError &&
      error.code === "charge_already_refunded"
    )
      return null;
    throw error;
  }
}

/** The running membership bought before this subscription, if any (the first one stands). */
export async function earlierMembership(
  db: DB,
  sub: { user_id: number; stripe_subscription_id: string; stripe_created_at: string },
  now: Date,
) {
  const earlierSub = await db
    .selectFrom("subscriptions")
    .select(["stripe_subscription_id", "plan", "currency"])
    .where("user_id", "=", sub.user_id)
    .where("stripe_subscription_id", "!=", sub.stripe_subscription_id)
    .where("off_catalog", "=", 0)
    .where("status", "in", GRANTING)
    .where((eb) =>
      eb.or([
        eb("stripe_created_at", "<", sub.stripe_created_at),
        eb.and([
          eb("stripe_created_at", "=", sub.stripe_created_at),
          eb("stripe_subscription_id", "<", sub.stripe_subscription_id),
        ]),
      ]),
    )
    .orderBy("stripe_created_at")
    .executeTakeFirst();
  const earlierYear = earlierSub
    ? undefined
    : await db
        .selectFrom("payments")
        .select(["id", "plan", "currency"])
        .where("user_id", "=", sub.user_id)
        .where("status", "=", "paid")
        .where("access_ends_at", ">", now.toISOString())
        .executeTakeFirst();
  return { earlierSub, earlierYear };
}

/**
 * A catalog subscription that completed second: cancelled at once and its paid invoice
 * refunded, when the member already had a running subscription or a running paid year bought
 * before it. Runs after the subscription was synced (outside any transaction). Returns a note.
 */
export async function resolveSubscriptionConflict(
  db: DB,
  stripe: Stripe,
  subscriptionId: string,
  now: Date,
): Promise<string | null> {
  const sub = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("stripe_subscription_id", "=", subscriptionId)
    .executeTakeFirst();
  if (!sub || sub.off_catalog === 1 || !GRANTING.includes(sub.status)) return null;
  const { earlierSub, earlierYear } = await earlierMembership(db, sub, now);
  if (!earlierSub && !earlierYear) return null;

  const paid = await db
    .selectFrom("invoices")
    .select(["stripe_invoice_id", "stripe_payment_intent_id", "amount_paid", "currency"])
    .where("stripe_subscription_id", "=", subscriptionId)
    .where("status", "=", "paid")
    .where("amount_paid", ">", 0)
    .execute();
  const refunded = paid.reduce(
    (sum, i) => sum + (i.stripe_payment_intent_id ? i.amount_paid : 0),
    0,
  );
  const kept = earlierSub
    ? `subscription:${earlierSub.stripe_subscription_id}`
    : `payment:${earlierYear!.id}`;
  const keptName = earlierSub
    ? (planById(earlierSub.plan, earlierSub.currency)?.name ?? earlierSub.plan)
    : (planById(earlierYear!.plan, earlierYear!.currency)?.name ?? earlierYear!.plan);
  const endedName = planById(sub.plan, sub.currency)?.name ?? sub.plan;
  // Recorded first, so the cancellation's own events already find it and send no email of
  // their own; the Stripe calls below are retried with the same keys until they succeed.
  await tellConflict(db, {
    userId: sub.user_id,
    kind: earlierSub ? "second_subscription" : "subscription_during_year",
    kept,
    keptName,
    keptPlan: earlierSub ? earlierSub.plan : earlierYear!.plan,
    resolved: `subscription:${subscriptionId}`,
    endedName,
    endedPlan: sub.plan,
    refunded,
    currency: sub.currency,
    action: "cancelled_and_refunded",
    now,
  });
  await stripe.subscriptions.cancel(
    subscriptionId,
    { cancellation_details: { comment: "second membership" } },
    { idempotencyKey: `membership-conflict:cancel:${subscriptionId}` },
  );
  for (const invoice of paid) {
    if (!invoice.stripe_payment_intent_id) continue;
    await refundCharge(
      stripe,
      invoice.stripe_payment_intent_id,
      `membership-conflict:refund:${invoice.stripe_invoice_id}`,
      { invoice_id: invoice.stripe_invoice_id, user_id: String(sub.user_id) },
    );
  }
  return `second membership: subscription ${subscriptionId} cancelled${refunded > 0 ? `, ${refunded} refunded` : ""}; ${kept} stands`;
}

/**
 * A paid year whose session completed while a catalog subscription already ran: refunded in
 * full at Stripe before it is fulfilled. Returns what the fulfilment should do instead.
 */
export async function refundYearIfSecond(
  db: DB,
  stripe: Stripe,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<{ refunded: number; kept: string } | null> {
  if (session.mode !== "payment" || session.payment_status !== "paid") return null;
  const payment = await db
    .selectFrom("payments")
    .select(["id", "user_id", "status", "plan", "currency"])
    .where("stripe_checkout_session_id", "=", session.id)
    .executeTakeFirst();
  if (!payment || payment.status !== "pending") return null;
  const running = await db
    .selectFrom("subscriptions")
    .select(["stripe_subscription_id", "plan", "currency"])
    .where("user_id", "=", payment.user_id)
    .where("off_catalog", "=", 0)
    .where("status", "in", GRANTING)
    .orderBy("stripe_created_at")
    .executeTakeFirst();
  const intent = idOf(session.payment_intent);
  if (!running || !intent) return null;
  const refund = await refundCharge(
    stripe,
    intent,
    `membership-conflict:refund:payment:${payment.id}`,
    {
      payment_id: String(payment.id),
      user_id: String(payment.user_id),
    },
  );
  const refunded = refund?.amount ?? session.amount_total ?? 0;
  const user = await db
    .selectFrom("users")
    .select("role")
    .where("id", "=", payment.user_id)
    .executeTakeFirstOrThrow();
  await tellConflict(db, {
    userId: payment.user_id,
    kind: "year_during_subscription",
    kept: `subscription:${running.stripe_subscription_id}`,
    keptName: planById(running.plan, running.currency)?.name ?? running.plan,
    keptPlan: running.plan,
    resolved: `payment:${payment.id}`,
    endedName: planForRole(user.role, payment.currency).name,
    endedPlan: planForRole(user.role, payment.currency).id,
    refunded,
    currency: payment.currency,
    action: "refunded",
    now,
  });
  return { refunded, kept: `subscription:${running.stripe_subscription_id}` };
}

async function tellConflict(
  db: DB,
  c: {
    userId: number;
    kind: "second_subscription" | "subscription_during_year" | "year_during_subscription";
    kept: string;
    keptName: string;
    keptPlan: string;
    resolved: string;
    endedName: string;
    endedPlan: string;
    refunded: number;
    currency: string;
    action: "cancelled_and_refunded" | "refunded";
    now: Date;
  },
): Promise<void> {
  const amount = c.refunded > 0 ? formatMoney(c.refunded, c.currency) : null;
  await writeTransaction(db, async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select(["email", "name", "role"])
      .where("id", "=", c.userId)
      .executeTakeFirstOrThrow();
    await recordConflict(
      trx,
      {
        userId: c.userId,
        kind: c.kind,
        kept: c.kept,
        resolved: c.resolved,
        action: c.action,
        refundAmount: c.refunded,
        currency: c.currency,
        detail: `First completed purchase stands (${c.kept}, ${c.keptName}); ${c.resolved} (${c.endedName}) ended${amount ? `, ${amount} refunded` : ", nothing had been charged"}.`,
        dedupeKey: `conflict:${c.resolved}`,
      },
      c.now,
    );
    await enqueueEmail(trx, {
      dedupeKey: `membership-conflict:${c.resolved}`,
      to: user.email,
      template: "membership-conflict",
      props: {
        name: user.name,
        // Plan ids and the raw amount: the dispatcher writes them in the member's language.
        keptPlan: c.keptPlan,
        kept: c.keptName,
        endedPlan: c.endedPlan,
        ended: c.endedName,
        refunded: c.refunded > 0 ? { amount: c.refunded, currency: c.currency } : null,
        dashboardUrl: `${env().appUrl}/dashboard/${user.role}`,
      },
    });
  });
}

/** A subscription the app ended as a second membership sends no lifecycle email of its own. */
export async function resolvedAsConflict(db: DB, subscriptionId: string): Promise<boolean> {
  const row = await db
    .selectFrom("membership_conflicts")
    .select("id")
    .where("dedupe_key", "=", `conflict:subscription:${subscriptionId}`)
    .executeTakeFirst();
  return row !== undefined;
}
