import type Stripe from "stripe";
import { afterCommit, forUpdate, writeTransaction } from "../../db/dialect";
import type { Database, DB, Payment, User } from "../../db/schema";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { log } from "../observability/log.server";
import { countPayment } from "../observability/metrics.server";
import { nextAccessPeriod } from "../access/period";
import { planForRole } from "./pricing";
import { invoicePath } from "../billing/member-view";
import {
  buyerDetails,
  recordCheckoutDocuments,
  sessionDocuments,
  type CheckoutDocuments,
} from "./checkout-documents.server";
import { expandableId } from "../lib/stripe-ids";

export type FulfilmentOutcome =
  | { kind: "fulfilled"; paymentId: number; userId: number; accessEndsAt: string }
  | { kind: "already_paid"; paymentId: number }
  | { kind: "not_paid"; paymentStatus: string }
  | { kind: "unknown_session" }
  | { kind: "mismatch"; paymentId: number; message: string }
  | { kind: "not_one_time"; mode: string }
  /** ended as a second membership (decision 17): recorded paid and refunded, grants nothing */
  | { kind: "ended_as_second"; paymentId: number; refunded: number };

/**
 * Marks the payment of a paid Checkout Session as paid, extends the user's access by one year
 * and queues the confirmation email: exactly once per session however many times and in
 * whatever order the webhook and the success page call it. One write transaction; the email
 * is queued by template and rendered by the dispatcher when it sends.
 */
export async function fulfilCheckoutSession(
  db: DB,
  session: Stripe.Checkout.Session,
  now: Date,
  documents: CheckoutDocuments = sessionDocuments(session),
): Promise<FulfilmentOutcome> {
  return writeTransaction(db, (trx) => applyFulfilment(trx, session, now, documents));
}

export function isPaidSession(session: Stripe.Checkout.Session): boolean {
  return session.payment_status === "paid" || session.payment_status === "no_payment_required";
}

/**
 * Fulfilment inside the caller's transaction; only awaits database work. `documents` (the
 * session's invoice and charge, read before the transaction) and the buyer's details are kept
 * on the payment whenever the session is applied, so a late read still fills them in.
 */
export async function applyFulfilment(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
  documents: CheckoutDocuments = sessionDocuments(session),
): Promise<FulfilmentOutcome> {
  // Only a payment-mode session buys the year: a subscription's session goes through the
  // billing sync alone, whatever page or event brings it here.
  if (session.mode !== "payment") return { kind: "not_one_time", mode: String(session.mode) };
  if (!isPaidSession(session)) return { kind: "not_paid", paymentStatus: session.payment_status };
  // The payment row, then the user row, stay locked until commit: a success page and a webhook
  // on two instances fulfil one after the other, and the second sees "paid".
  const payment = await findPaymentForSession(trx, session, { adoptAt: now, lock: true });
  if (!payment) return { kind: "unknown_session" };
  if (isSettled(payment.status)) {
    await recordCheckoutDocuments(trx, payment, documents, buyerDetails(session), now);
    return { kind: "already_paid", paymentId: payment.id };
  }
  // Read under the payment's lock: the resolution of a second membership records the year it
  // ends before refunding it, so a delivery running at the same time never fulfils it too.
  const ended = await trx
    .selectFrom("membership_conflicts")
    .select("refund_amount")
    .where("dedupe_key", "=", `conflict:payment:${payment.id}`)
    .executeTakeFirst();
  if (ended) {
    const refunded = ended.refund_amount ?? 0;
    await recordRefundedYear(trx, payment, session, refunded, now);
    await recordCheckoutDocuments(trx, payment, documents, buyerDetails(session), now);
    return { kind: "ended_as_second", paymentId: payment.id, refunded };
  }

  const user = await forUpdate(
    trx,
    trx.selectFrom("users").selectAll().where("id", "=", payment.user_id),
  ).executeTakeFirstOrThrow();
  const mismatch = purchaseMismatch(payment, session, user);
  if (mismatch) {
    await trx
      .updateTable("payments")
      .set({ failure_message: mismatch, updated_at: now.toISOString() })
      .where("id", "=", payment.id)
      .where("status", "not in", [...SETTLED_STATUSES])
      .execute();
    return { kind: "mismatch", paymentId: payment.id, message: mismatch };
  }

  await recordCheckoutDocuments(trx, payment, documents, buyerDetails(session), now);
  const invoice = invoiceLinks(payment, documents, user);

  const period = nextAccessPeriod(user, now);
  const accessEndsAt = period.endsAt.toISOString();

  const nowIso = now.toISOString();
  const updated = await trx
    .updateTable("payments")
    .set({
      status: "paid",
      paid_at: nowIso,
      stripe_payment_intent_id: paymentIntentId(session),
      access_starts_at: period.startsAt.toISOString(),
      access_ends_at: accessEndsAt,
      failure_message: null,
      updated_at: nowIso,
    })
    .where("stripe_checkout_session_id", "=", session.id)
    .where("status", "not in", [...SETTLED_STATUSES])
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return { kind: "already_paid", paymentId: payment.id };

  await trx
    .updateTable("users")
    .set({ subscription_status: "ACTIVE", access_expires_at: accessEndsAt, updated_at: nowIso })
    .where("id", "=", user.id)
    .execute();
  await enqueueEmail(trx, {
    dedupeKey: `payment-confirmation:${payment.id}`,
    to: user.email,
    template: "payment-confirmation",
    props: {
      name: user.name,
      plan: payment.plan,
      planName: planName(payment, user),
      // Raw values: the dispatcher writes them in the member's language when it sends.
      amount: { amount: payment.amount, currency: payment.currency },
      paidOn: now.toISOString(),
      reference: paymentReference(session),
      accessEndsOn: period.endsAt.toISOString(),
      dashboardUrl: `${env().appUrl}/dashboard/${user.role}`,
      ...invoice,
    },
  });
  afterCommit(trx, () => {
    countPayment(payment.plan, "paid");
    log.info(
      {
        paymentId: payment.id,
        userId: user.id,
        plan: payment.plan,
        from: payment.status,
        to: "paid",
        accessFrom: user.subscription_status,
        accessTo: "ACTIVE",
        accessEndsAt,
      },
      "Payment paid",
    );
  });
  return { kind: "fulfilled", paymentId: payment.id, userId: user.id, accessEndsAt };
}

/** A pending payment becomes failed and the user hears about it; a paid one is untouched. */
export async function applyFailure(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<"failed" | "unchanged" | "unknown_session"> {
  const payment = await findPaymentForSession(trx, session, { lock: true });
  if (!payment) return "unknown_session";
  if (payment.status !== "pending") return "unchanged";
  await trx
    .updateTable("payments")
    .set({
      status: "failed",
      failure_message: "The payment did not go through.",
      updated_at: now.toISOString(),
    })
    .where("id", "=", payment.id)
    .where("status", "=", "pending")
    .execute();
  afterCommit(trx, () => {
    countPayment(payment.plan, "failed");
    log.info(
      {
        paymentId: payment.id,
        userId: payment.user_id,
        plan: payment.plan,
        from: "pending",
        to: "failed",
      },
      "Payment failed",
    );
  });
  const user = await trx
    .selectFrom("users")
    .selectAll()
    .where("id", "=", payment.user_id)
    .executeTakeFirstOrThrow();
  await enqueueEmail(trx, {
    dedupeKey: `payment-failed:${payment.id}`,
    to: user.email,
    template: "payment-failed",
    props: {
      name: user.name,
      plan: payment.plan,
      planName: planName(payment, user),
      amount: { amount: payment.amount, currency: payment.currency },
      reference: paymentReference(session),
      paymentUrl: `${env().appUrl}/dashboard/${user.role}/payment`,
    },
  });
  return "failed";
}

/** A pending payment whose session expired becomes expired; paid, failed and expired stay. */
export async function applyExpiry(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<"expired" | "unchanged" | "unknown_session"> {
  const payment = await findPaymentForSession(trx, session);
  if (!payment) return "unknown_session";
  const updated = await trx
    .updateTable("payments")
    .set({ status: "expired", updated_at: now.toISOString() })
    .where("id", "=", payment.id)
    .where("status", "=", "pending")
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return "unchanged";
  afterCommit(trx, () => {
    countPayment(payment.plan, "expired");
    log.info(
      {
        paymentId: payment.id,
        userId: payment.user_id,
        plan: payment.plan,
        from: "pending",
        to: "expired",
      },
      "Payment expired",
    );
  });
  return "expired";
}

/**
 * The payment row of a session. When the row lost its session id (the process stopped
 * between Stripe's answer and our update), metadata.payment_id, which only this app sets,
 * finds the reservation; `adoptAt` then records the session id on it (as of that time). `lock` (inside a write
 * transaction) locks the row until commit on Postgres.
 */
export async function findPaymentForSession(
  db: DB,
  session: Stripe.Checkout.Session,
  options: { adoptAt?: Date; lock?: boolean } = {},
): Promise<Payment | undefined> {
  const lock = <O>(query: Parameters<typeof forUpdate<Database, Database, "payments", O>>[1]) =>
    options.lock ? forUpdate(db, query) : query;
  const byId = await lock(
    db.selectFrom("payments").selectAll().where("stripe_checkout_session_id", "=", session.id),
  ).executeTakeFirst();
  if (byId) return byId;
  const paymentId = Number(session.metadata?.payment_id);
  const userId = Number(session.metadata?.user_id ?? session.client_reference_id);
  if (!Number.isSafeInteger(paymentId) || !Number.isSafeInteger(userId)) return undefined;
  const orphan = await lock(
    db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", paymentId)
      .where("user_id", "=", userId)
      .where("stripe_checkout_session_id", "is", null),
  ).executeTakeFirst();
  if (!orphan || !options.adoptAt) return orphan;
  await db
    .updateTable("payments")
    .set({
      stripe_checkout_session_id: session.id,
      updated_at: options.adoptAt.toISOString(),
    })
    .where("id", "=", orphan.id)
    .execute();
  return { ...orphan, stripe_checkout_session_id: session.id };
}

/**
 * Whether `sessionId` reserves one of this app's payments that is not settled yet (one indexed
 * read): only then is the session worth a read at Stripe before its transaction. A session the
 * app never created, or one the success page already fulfilled, costs no Stripe call.
 */
export async function awaitsFulfilment(db: DB, sessionId: string): Promise<boolean> {
  const row = await db
    .selectFrom("payments")
    .select("id")
    .where("stripe_checkout_session_id", "=", sessionId)
    .where("status", "not in", [...SETTLED_STATUSES])
    .executeTakeFirst();
  return row !== undefined;
}

/** A payment that was paid stays settled when it is later refunded: it is never fulfilled again. */
export const SETTLED_STATUSES = ["paid", "refunded"] as const;
export function isSettled(status: string): boolean {
  return (SETTLED_STATUSES as readonly string[]).includes(status);
}

/**
 * Why this session may not fulfil this reservation, or null: the row must be the member's
 * annual plan, and the session must name that plan and charge the row's amount and currency.
 */
function purchaseMismatch(
  payment: Payment,
  session: Stripe.Checkout.Session,
  user: Pick<User, "role">,
): string | null {
  const annual = planForRole(user.role, payment.currency).id;
  if (payment.plan !== annual)
    return `Plan mismatch: payment ${payment.id} reserves ${payment.plan}, not the annual plan ${annual}`;
  const sessionPlan = session.metadata?.plan ?? null;
  if (sessionPlan !== payment.plan)
    return `Plan mismatch: the session names ${sessionPlan ?? "no plan"}, expected ${payment.plan}`;
  const currency = session.currency?.toLowerCase() ?? null;
  if (session.amount_total === payment.amount && currency === payment.currency) return null;
  return `Amount mismatch: Stripe reported ${session.amount_total ?? "no amount"} ${currency ?? "(no currency)"}, expected ${payment.amount} ${payment.currency}`;
}

/**
 * The confirmation email's invoice: Stripe's hosted page and PDF when known (from this
 * session's read or an invoice event applied before), else, when only the invoice's id is
 * known, the app's invoice link (it redirects to the page once it is known).
 */
function invoiceLinks(
  payment: Payment,
  documents: CheckoutDocuments,
  user: Pick<User, "role">,
): { invoiceNumber: string | null; invoiceUrl: string | null; invoicePdfUrl: string | null } {
  const kept = payment.stripe_invoice_id;
  const read =
    documents.invoice && (!kept || kept === documents.invoice.id) ? documents.invoice : null;
  const id = kept ?? read?.id ?? null;
  const hosted = read?.hostedUrl ?? payment.invoice_url;
  return {
    invoiceNumber: read?.number ?? payment.invoice_number,
    invoiceUrl: hosted ?? (id ? `${env().appUrl}${invoicePath(user.role, id)}` : null),
    invoicePdfUrl: read?.pdfUrl ?? payment.invoice_pdf,
  };
}

function paymentIntentId(session: Stripe.Checkout.Session): string | null {
  return expandableId(session.payment_intent);
}

function paymentReference(session: Stripe.Checkout.Session): string {
  return paymentIntentId(session) ?? session.id;
}

function planName(payment: Payment, user: User): string {
  const plan = planForRole(user.role, payment.currency);
  return plan.id === payment.plan ? plan.name : payment.plan;
}

/** The reservation of a completed subscription Checkout is done: it no longer blocks or reuses. */
export async function settleSubscriptionCheckout(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string> {
  if (session.status !== "complete") return "session not complete";
  const payment = await findPaymentForSession(trx, session, { adoptAt: now });
  if (!payment) return "checkout session not created by this app";
  if (payment.status === "paid") return "checkout already settled";
  const nowIso = now.toISOString();
  await trx
    .updateTable("payments")
    .set({
      status: "paid",
      paid_at: nowIso,
      stripe_customer_id: expandableId(session.customer) ?? payment.stripe_customer_id,
      stripe_invoice_id: expandableId(session.invoice),
      updated_at: nowIso,
    })
    .where("id", "=", payment.id)
    .where("status", "!=", "paid")
    .execute();
  return "checkout settled";
}

/** A paid year ended as a second membership: paid and refunded in full, no access, no email. */
async function recordRefundedYear(
  trx: DB,
  payment: Payment,
  session: Stripe.Checkout.Session,
  refunded: number,
  now: Date,
): Promise<void> {
  const nowIso = now.toISOString();
  await trx
    .updateTable("payments")
    .set({
      status: "refunded",
      paid_at: nowIso,
      stripe_payment_intent_id: paymentIntentId(session),
      refunded_amount: Math.max(refunded, payment.refunded_amount),
      refunded_at: nowIso,
      updated_at: nowIso,
    })
    .where("id", "=", payment.id)
    .where("status", "=", "pending")
    .execute();
}
