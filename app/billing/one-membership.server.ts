import Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { planById } from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { formatMoney } from "../lib/format";
import { writeTransaction } from "../../db/dialect";
import { CONFLICT_REFUND_MARK, recordConflict } from "./conflicts.server";
import { catalogKnowledge } from "./catalog-sync.server";
import { expandableId } from "../lib/stripe-ids";

// One membership at a time (decision 17). When a Checkout completes, the member's other open
// sessions are expired at Stripe. If a second product still completes (two tabs paid in the
// same second, a subscription made outside the app), the first completed purchase stands and
// the later one is ended here: a subscription cancelled at once and its charge refunded, a
// paid year refunded. Every Stripe call carries an Idempotency-Key naming the object it ends,
// and the record and the email are keyed the same way, so retries and redeliveries do it once.

const GRANTING = ["trialing", "active", "past_due"];

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
  if (earlierSub) return { earlierSub, earlierYear: undefined };
  // A year the resolution already ended (refunded as a second membership) stands for nothing,
  // even before its refund's own event marks the row refunded.
  const years = await db
    .selectFrom("payments")
    .select(["id", "plan", "currency"])
    .where("user_id", "=", sub.user_id)
    .where("status", "=", "paid")
    .where("access_ends_at", ">", now.toISOString())
    .execute();
  const ended = new Set(
    years.length === 0
      ? []
      : (
          await db
            .selectFrom("membership_conflicts")
            .select("dedupe_key")
            .where(
              "dedupe_key",
              "in",
              years.map((y) => `conflict:payment:${y.id}`),
            )
            .execute()
        ).map((c) => c.dedupe_key),
  );
  return {
    earlierSub: undefined,
    earlierYear: years.find((y) => !ended.has(`conflict:payment:${y.id}`)),
  };
}

/** A product that gives the member a membership, as Stripe has it now. */
interface RunningProduct {
  /** "subscription:<sub_...>" or "payment:<id>", as membership_conflicts names them */
  key: string;
  kind: "subscription" | "year";
  /** Stripe's time the purchase completed (subscription created, PaymentIntent created), seconds */
  completedAt: number;
  /** Stripe's id (subscription or PaymentIntent): the tie-break within one second */
  stripeId: string;
  name: string;
  /** the catalog plan id */
  plan: string;
  currency: string;
  /** for a year: its payment row and the amount still charged */
  paymentId?: number;
  charged?: number;
}

/**
 * Every running membership product of the member, read from Stripe (not from what the app has
 * learned so far): catalog subscriptions trialing, active or past_due on the member's
 * customers, and annual years whose session is paid and whose charge is not refunded in full
 * (pending rows whose webhook has not come yet included).
 */
async function runningProducts(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id" | "role">,
  now: Date,
): Promise<RunningProduct[]> {
  const products: RunningProduct[] = [];
  const customers = await db
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", user.id)
    .execute();
  const catalog = customers.length > 0 ? await catalogKnowledge(stripe) : new Map();
  for (const { stripe_customer_id: customer } of customers) {
    const subscriptions = await stripe.subscriptions.list({ customer, status: "all", limit: 100 });
    for (const sub of subscriptions.data) {
      if (!GRANTING.includes(sub.status)) continue;
      const price = sub.items.data[0]?.price;
      const priceId = price?.id ?? "";
      const known =
        catalog.get(priceId) ??
        (await db
          .selectFrom("catalog_prices")
          .select(["plan", "role"])
          .where("stripe_price_id", "=", priceId)
          .executeTakeFirst());
      // An off-catalog subscription grants nothing (it is flagged by the sync): not a membership.
      if (!known || known.role !== user.role) continue;
      const currency = (price?.currency ?? sub.currency).toLowerCase();
      products.push({
        key: `subscription:${sub.id}`,
        kind: "subscription",
        completedAt: sub.created,
        stripeId: sub.id,
        name: planById(known.plan, currency)?.name ?? known.plan,
        plan: known.plan,
        currency,
      });
    }
  }
  const rows = await db
    .selectFrom("payments")
    .select(["id", "plan", "currency", "status", "access_ends_at", "stripe_checkout_session_id"])
    .where("user_id", "=", user.id)
    .where("status", "in", ["pending", "paid"])
    .where("stripe_checkout_session_id", "is not", null)
    .execute();
  for (const row of rows) {
    const annual = planForRole(user.role, row.currency);
    if (row.plan !== annual.id) continue;
    if (row.status === "paid" && !(row.access_ends_at && row.access_ends_at > now.toISOString()))
      continue;
    const session = await stripe.checkout.sessions.retrieve(row.stripe_checkout_session_id!, {
      expand: ["payment_intent.latest_charge"],
    });
    if (session.mode !== "payment" || session.payment_status !== "paid") continue;
    const intent = session.payment_intent;
    if (!intent || typeof intent === "string") continue;
    const charge = intent.latest_charge;
    const refunded = charge && typeof charge !== "string" ? charge.amount_refunded : 0;
    if (refunded >= intent.amount) continue;
    products.push({
      key: `payment:${row.id}`,
      kind: "year",
      completedAt: intent.created,
      stripeId: intent.id,
      name: annual.name,
      plan: annual.id,
      currency: row.currency,
      paymentId: row.id,
      charged: intent.amount - refunded,
    });
  }
  return products;
}

export interface Settlement {
  /** what stands ("subscription:<id>" or "payment:<id>"), null when the member has nothing running */
  kept: string | null;
  /** what this run (or an earlier one) ended, by key, with the amount refunded */
  ended: Map<string, number>;
}

/**
 * One membership at a time (decision 17): reads the member's running products from Stripe and
 * ends every one that came after the first. The first completed purchase by Stripe's time
 * stands (same second: the smaller Stripe id), so every order of webhooks, and two deliveries
 * at once, end the same products. A year standing first keeps later years (they extend it);
 * a subscription standing first ends every other product. Each ended product is recorded and
 * the member told once (keyed by the product), then ended at Stripe with keyed requests.
 */
export async function settleMembership(
  db: DB,
  stripe: Stripe,
  userId: number,
  now: Date,
  options: { subscriptionEvent?: boolean } = {},
): Promise<Settlement> {
  const user = await db
    .selectFrom("users")
    .select(["id", "role"])
    .where("id", "=", userId)
    .executeTakeFirst();
  const ended = new Map<string, number>();
  if (!user || !(await mayHaveTwo(db, user, now, options.subscriptionEvent ?? false)))
    return { kept: null, ended };
  const products = (await runningProducts(db, stripe, user, now)).sort(
    (a, b) =>
      a.completedAt - b.completedAt ||
      (a.stripeId < b.stripeId ? -1 : a.stripeId > b.stripeId ? 1 : 0),
  );
  const first = products[0];
  if (!first) return { kept: null, ended };
  const losers = products.filter(
    (p) => p !== first && (first.kind === "subscription" || p.kind === "subscription"),
  );
  for (const loser of losers) {
    ended.set(
      loser.key,
      loser.kind === "subscription"
        ? await endSubscription(db, stripe, user.id, first, loser, now)
        : await endYear(db, stripe, user.id, first, loser, now),
    );
  }
  return { kept: first.key, ended };
}

/**
 * Whether the member can have two running products at all, from what the app knows, so a
 * member with one purchase costs Stripe nothing: a subscription (reserved by a Checkout, stored,
 * or the one an event is about, which may have been made outside the app) and at least one other
 * product. Years never conflict with years (a year bought while one runs extends it).
 */
async function mayHaveTwo(
  db: DB,
  user: Pick<User, "id" | "role">,
  now: Date,
  subscriptionEvent: boolean,
): Promise<boolean> {
  const rows = await db
    .selectFrom("payments")
    .select(["plan", "currency", "status", "access_ends_at"])
    .where("user_id", "=", user.id)
    .where("status", "in", ["pending", "paid"])
    .where("stripe_checkout_session_id", "is not", null)
    .execute();
  const running = await db
    .selectFrom("subscriptions")
    .select("id")
    .where("user_id", "=", user.id)
    .where("off_catalog", "=", 0)
    .where("status", "in", GRANTING)
    .execute();
  const years = rows.filter(
    (r) =>
      r.plan === planForRole(user.role, r.currency).id &&
      (r.status === "pending" ||
        (r.access_ends_at !== null && r.access_ends_at > now.toISOString())),
  ).length;
  const subscriptions =
    rows.filter((r) => r.plan !== planForRole(user.role, r.currency).id).length +
    running.length +
    (subscriptionEvent ? 1 : 0);
  return subscriptions > 0 && subscriptions + years >= 2;
}

/** The ledger's words for a settlement that ended something (null when nothing was ended). */
export function settlementNote(settlement: Settlement): string | null {
  if (settlement.ended.size === 0) return null;
  const ended = [...settlement.ended].map(([key, amount]) => `${key} ended (${amount} refunded)`);
  return `second membership: ${ended.join(", ")}; ${settlement.kept} stands`;
}

/** Settles the membership of the member a Checkout Session belongs to; returns the ledger note. */
export async function settleForSession(
  db: DB,
  stripe: Stripe,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string | null> {
  const userId = Number(session.metadata?.user_id ?? session.client_reference_id);
  if (!Number.isSafeInteger(userId)) return null;
  return settlementNote(await settleMembership(db, stripe, userId, now));
}

/** A later subscription: recorded, then cancelled at once and its paid invoices refunded. */
async function endSubscription(
  db: DB,
  stripe: Stripe,
  userId: number,
  kept: RunningProduct,
  sub: RunningProduct,
  now: Date,
): Promise<number> {
  const invoices = (
    await stripe.invoices.list({
      subscription: sub.stripeId,
      status: "paid",
      limit: 100,
      expand: ["data.payments"],
    })
  ).data;
  const charged = invoices
    .map((invoice) => ({
      invoice,
      intent: expandableId(invoice.payments?.data[0]?.payment.payment_intent),
    }))
    .filter((c) => c.intent !== null && c.invoice.amount_paid > 0);
  const refunded = charged.reduce((sum, c) => sum + c.invoice.amount_paid, 0);
  // Recorded first, so the cancellation's own events already find it and send no email of
  // their own; the Stripe calls below are retried with the same keys until they succeed.
  await tellConflict(db, {
    userId,
    kind: kept.kind === "subscription" ? "second_subscription" : "subscription_during_year",
    kept: kept.key,
    keptName: kept.name,
    keptPlan: kept.plan,
    resolved: sub.key,
    endedName: sub.name,
    endedPlan: sub.plan,
    refunded,
    currency: sub.currency,
    action: "cancelled_and_refunded",
    now,
  });
  try {
    await stripe.subscriptions.cancel(
      sub.stripeId,
      { cancellation_details: { comment: "second membership" } },
      { idempotencyKey: `membership-conflict:cancel:${sub.stripeId}` },
    );
  } catch (error) {
    // Another delivery running at the same time cancelled it first: that is the same end.
    if (
      !(error instanceof Stripe.errors.StripeInvalidRequestError) ||
      (await stripe.subscriptions.retrieve(sub.stripeId)).status !== "canceled"
    )
      throw error;
  }
  // A subscription in its free trial has charged nothing: cancelling it is all there is.
  for (const { invoice, intent } of charged)
    await refundCharge(stripe, intent!, `membership-conflict:refund:${invoice.id}`, {
      invoice_id: invoice.id,
      user_id: String(userId),
    });
  return refunded;
}

/** A later year (bought while a subscription stands): recorded, then refunded in full. */
async function endYear(
  db: DB,
  stripe: Stripe,
  userId: number,
  kept: RunningProduct,
  year: RunningProduct,
  now: Date,
): Promise<number> {
  const refunded = year.charged ?? 0;
  await tellConflict(db, {
    userId,
    kind: "year_during_subscription",
    kept: kept.key,
    keptName: kept.name,
    keptPlan: kept.plan,
    resolved: year.key,
    endedName: year.name,
    endedPlan: year.plan,
    refunded,
    currency: year.currency,
    action: "refunded",
    now,
  });
  await refundCharge(stripe, year.stripeId, `membership-conflict:refund:${year.key}`, {
    payment_id: String(year.paymentId),
    user_id: String(userId),
  });
  return refunded;
}

/** The member a Stripe customer id belongs to, or null (a customer this app did not make). */
export async function memberOfCustomer(db: DB, customerId: string | null): Promise<number | null> {
  if (!customerId) return null;
  const row = await db
    .selectFrom("stripe_customers")
    .select("user_id")
    .where("stripe_customer_id", "=", customerId)
    .executeTakeFirst();
  return row?.user_id ?? null;
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
