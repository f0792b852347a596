import type { Message } from "../i18n/messages";
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import type { DB, Payment, User } from "../../db/schema";
import { invoiceParams } from "../i18n/stripe-locale.server";
import { env } from "../lib/env.server";
import { canPay, RENEWAL_WINDOW_DAYS } from "../access/period";
import { getOrCreateStripeCustomer } from "./customers.server";
import { planForRole, type Plan } from "./pricing";
import { forUpdate, writeTransaction } from "../../db/dialect";
import { errorNameAndMessage } from "../lib/errors";

/** A pending payment younger than this is reused instead of starting another checkout. */
export const REUSE_WINDOW_MS = 30 * 60 * 1000;
/**
 * Sessions expire this long after their reservation. Stripe wants 30 min to 24 h from the
 * request; a retry reusing the reservation's Idempotency-Key up to REUSE_WINDOW_MS later must
 * send identical parameters, so the expiry derives from the reservation, with room for both.
 */
export const CHECKOUT_LIFETIME_MS = 65 * 60 * 1000;

export type CheckoutResult =
  | { kind: "redirect"; url: string; paymentId: number; reused: boolean }
  | { kind: "refused"; status: 409; message: Message }
  | { kind: "provider_error"; status: 502; message: Message };

/** The server's price for the user's role; amounts and plans never come from the client. */
export function planFor(user: Pick<User, "role">): Plan {
  return planForRole(user.role, env().pricingCurrency);
}

/**
 * Starts (or resumes) the checkout of the user's annual plan. A double submit, even a
 * concurrent one, reaches Stripe with the same Idempotency-Key and so makes one session.
 */
export async function startCheckout(
  db: DB,
  stripe: Stripe,
  user: User,
  now: Date,
): Promise<CheckoutResult> {
  if (!canPay(user, now)) {
    const until = user.access_expires_at ?? now.toISOString();
    return {
      kind: "refused",
      status: 409,
      message: {
        key: "payment:errors.accessActive",
        values: { until, from: renewableFrom(until).toISOString() },
      },
    };
  }
  const plan = planFor(user);

  const open = await findOpenCheckout(db, user.id, plan, now);
  if (open?.checkout_url)
    return { kind: "redirect", url: open.checkout_url, paymentId: open.id, reused: true };

  const payment = await reservePayment(db, user.id, plan, now);
  return openReservedCheckout(db, stripe, user, payment, plan.id, now, {
    label: "Checkout",
    failureMessage: providerMessage,
    create: (customer, metadata) =>
      stripe.checkout.sessions.create(
        {
          mode: "payment",
          customer,
          client_reference_id: String(user.id),
          metadata,
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: plan.currency.toLowerCase(),
                unit_amount: plan.amount,
                product_data: { name: plan.name, description: plan.description },
              },
            },
          ],
          payment_intent_data: { metadata },
          // Stripe's page in the member's language, and an invoice for the paid year.
          ...invoiceParams(user, plan, metadata),
          success_url: `${env().appUrl}/payment/success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${env().appUrl}/payment/cancel`,
          expires_at: checkoutExpiresAt(payment),
        },
        { idempotencyKey: payment.idempotency_key },
      ),
  });
}

/** A reservation's sessions expire CHECKOUT_LIFETIME_MS after it was made (unix seconds). */
export function checkoutExpiresAt(payment: Payment): number {
  return Math.floor((Date.parse(payment.created_at) + CHECKOUT_LIFETIME_MS) / 1000);
}

export interface ReservedCheckout {
  /** "Checkout", "Subscription checkout": names the attempt in the log */
  label: string;
  /** makes the session with the reservation's Idempotency-Key */
  create(customerId: string, metadata: Record<string, string>): Promise<Stripe.Checkout.Session>;
  failureMessage(error: unknown): string;
}

/**
 * Opens the Checkout Session of a reserved payment: the member's Stripe customer, the session,
 * recorded on the reservation. On any failure nothing half-written stays: the reservation goes
 * unless a session was recorded on it, and the answer is a 502 the member can act on.
 */
export async function openReservedCheckout(
  db: DB,
  stripe: Stripe,
  user: User,
  payment: Payment,
  planId: string,
  now: Date,
  checkout: ReservedCheckout,
): Promise<CheckoutResult> {
  try {
    const customerId = await getOrCreateStripeCustomer(db, stripe, user, now);
    const metadata = {
      user_id: String(user.id),
      role: user.role,
      plan: planId,
      payment_id: String(payment.id),
    };
    const session = await checkout.create(customerId, metadata);
    if (!session.url) throw new Error(`Checkout Session ${session.id} has no url`);
    const recorded = await recordSession(db, payment, session, session.url, customerId, now);
    return { kind: "redirect", url: session.url, paymentId: recorded.id, reused: false };
  } catch (error) {
    await db
      .deleteFrom("payments")
      .where("id", "=", payment.id)
      .where("idempotency_key", "=", payment.idempotency_key)
      .where("stripe_checkout_session_id", "is", null)
      .execute();
    console.error(`${checkout.label} for user ${user.id} failed: ${errorNameAndMessage(error)}`);
    return { kind: "provider_error", status: 502, message: checkout.failureMessage(error) };
  }
}

/**
 * Records the session on its reservation. Two concurrent submits share one reservation; when
 * the other request's Stripe call failed, it deleted the reservation before this one's call
 * succeeded. The session is live and payable, so the reservation is written again (same id
 * and key when free; the unique key and session id make a concurrent rewrite a no-op): a
 * session this app sends a user to always has its payment row.
 */
async function recordSession(
  db: DB,
  payment: Payment,
  session: Stripe.Checkout.Session,
  url: string,
  customerId: string,
  now: Date,
): Promise<Payment> {
  const nowIso = now.toISOString();
  const sessionFields = {
    stripe_checkout_session_id: session.id,
    checkout_url: url,
    checkout_expires_at: new Date(session.expires_at * 1000).toISOString(),
    stripe_customer_id: customerId,
    updated_at: nowIso,
  };
  const updated = await db
    .updateTable("payments")
    .set(sessionFields)
    .where("id", "=", payment.id)
    .returningAll()
    .executeTakeFirst();
  if (updated) return updated;

  const reservation = {
    user_id: payment.user_id,
    plan: payment.plan,
    amount: payment.amount,
    currency: payment.currency,
    status: "pending" as const,
    idempotency_key: payment.idempotency_key,
    created_at: payment.created_at,
    ...sessionFields,
  };
  // The same id keeps the session's metadata.payment_id pointing at its row; if that id was
  // taken meanwhile, a new id is fine too: the row is found by its session id first.
  await db
    .insertInto("payments")
    .values({ id: payment.id, ...reservation })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const again = await findBySession(db, session.id);
  if (again) return again;
  await db
    .insertInto("payments")
    .values(reservation)
    .onConflict((oc) => oc.doNothing())
    .execute();
  const stored = await findBySession(db, session.id);
  if (!stored)
    throw new Error(`Checkout Session ${session.id} could not be recorded on a payment row`);
  return stored;
}

function findBySession(db: DB, sessionId: string): Promise<Payment | undefined> {
  return db
    .selectFrom("payments")
    .selectAll()
    .where("stripe_checkout_session_id", "=", sessionId)
    .executeTakeFirst();
}

/** Pending payments of this user and plan (at today's price) made in the last 30 minutes, newest first. */
function recentPending(db: DB, userId: number, plan: Plan, now: Date) {
  return db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", userId)
    .where("plan", "=", plan.id)
    .where("amount", "=", plan.amount)
    .where("currency", "=", plan.currency.toLowerCase())
    .where("status", "=", "pending")
    .where("created_at", ">", new Date(now.getTime() - REUSE_WINDOW_MS).toISOString())
    .orderBy("created_at", "desc")
    .orderBy("id", "desc");
}

/** A pending payment of this plan whose Checkout Session can still be paid. */
export async function findOpenCheckout(
  db: DB,
  userId: number,
  plan: Plan,
  now: Date,
): Promise<Payment | undefined> {
  return recentPending(db, userId, plan, now)
    .where("checkout_url", "is not", null)
    .where("checkout_expires_at", ">", now.toISOString())
    .executeTakeFirst();
}

/**
 * Reserves a pending payment with a fresh Idempotency-Key, or returns the reservation another
 * request of the same user and plan made in the last 30 minutes, in one write transaction.
 */
export async function reservePayment(
  db: DB,
  userId: number,
  plan: Plan,
  now: Date,
): Promise<Payment> {
  const nowIso = now.toISOString();
  const currency = plan.currency.toLowerCase();
  return writeTransaction(db, async (trx) => {
    // Two submits of one user on two instances reserve one after the other (Postgres row lock).
    await forUpdate(trx, trx.selectFrom("users").select("id").where("id", "=", userId)).execute();
    const recent = await recentPending(trx, userId, plan, now)
      .where((eb) =>
        eb.or([eb("checkout_expires_at", "is", null), eb("checkout_expires_at", ">", nowIso)]),
      )
      .executeTakeFirst();
    if (recent) return recent;
    return trx
      .insertInto("payments")
      .values({
        user_id: userId,
        plan: plan.id,
        amount: plan.amount,
        currency,
        status: "pending",
        idempotency_key: randomUUID(),
        created_at: nowIso,
        updated_at: nowIso,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The first day a renewal is accepted: 30 days before the current access ends. */
export function renewableFrom(accessExpiresAt: string): Date {
  return new Date(Date.parse(accessExpiresAt) - RENEWAL_WINDOW_DAYS * 24 * 60 * 60 * 1000);
}

function providerMessage(error: unknown): string {
  return error instanceof Stripe.errors.StripeConnectionError
    ? "payment:problems.startUnreachable"
    : "payment:problems.startFailed";
}
