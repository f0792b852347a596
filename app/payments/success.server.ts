import type { Message } from "../i18n/messages";
import Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { effectiveStatus } from "../access/period";
import { formatDate } from "../lib/format";
import { planForRole } from "./pricing";
import { SESSION_DOCUMENTS_EXPAND } from "./checkout-documents.server";
import { fulfilCheckoutSession, isPaidSession } from "./fulfilment.server";
import { settleForSession } from "../billing/one-membership.server";
import { refusedByLimit, type ReturnOptions } from "../lib/stripe-call-limits.server";
import { errorMessage } from "../lib/errors";

export type CheckoutReturn =
  | {
      kind: "paid";
      accessEndsOn: string;
      /** the same end as an ISO instant, for the page to write in the reader's language */
      accessEndsAt: string;
      /** the payment whose receipt the page links (never Stripe's ids, which mean nothing to a member) */
      paymentId: number;
    }
  | { kind: "processing" }
  | { kind: "expired" }
  | { kind: "problem"; status: 400 | 404 | 409 | 502; message: Message }
  | { kind: "problem"; status: 429; message: Message; retryAfterSeconds: number };

const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9_]{1,200}$/;
const NOT_FOUND = "payment:problems.notFound";
const NOT_ANNUAL: CheckoutReturn = {
  kind: "problem",
  status: 409,
  message: "payment:problems.notAnnual",
};

const UNREACHABLE: CheckoutReturn = {
  kind: "problem",
  status: 502,
  message: "payment:problems.unreachable",
};
const REFUNDED: CheckoutReturn = {
  kind: "problem",
  status: 409,
  message: "payment:problems.refunded",
};

/**
 * What the success page shows for `sessionId`. The session is read from Stripe on the server,
 * never trusted from the URL, and must belong to `user`. A paid session is fulfilled here too
 * (the same idempotent fulfilment as the webhook), so the page is right whichever comes first.
 */
export async function confirmCheckoutReturn(
  db: DB,
  stripe: Stripe,
  user: User,
  sessionId: string | null,
  now: Date,
  options: ReturnOptions = {},
): Promise<CheckoutReturn> {
  if (!sessionId || !SESSION_ID.test(sessionId)) {
    return { kind: "problem", status: 400, message: "payment:problems.invalidLink" };
  }
  const payment = await db
    .selectFrom("payments")
    .select(["id", "user_id", "plan", "currency", "status", "stripe_payment_intent_id"])
    .where("stripe_checkout_session_id", "=", sessionId)
    .executeTakeFirst();
  if (!payment || payment.user_id !== user.id)
    return { kind: "problem", status: 404, message: NOT_FOUND };
  // A subscription's reservation (or anything but the member's annual plan) never buys a year here.
  if (payment.plan !== planForRole(user.role, payment.currency).id) return NOT_ANNUAL;
  if (payment.status === "refunded") return REFUNDED;
  // Already paid (the webhook came first, or this is a reload): one indexed read answers, with
  // no call to Stripe and no write lock. `user` was read for this request.
  if (payment.status === "paid") {
    if (effectiveStatus(user, now) === "ACTIVE" && user.access_expires_at) {
      return {
        kind: "paid",
        accessEndsOn: formatDate(user.access_expires_at),
        accessEndsAt: user.access_expires_at,
        paymentId: payment.id,
      };
    }
  }

  let session: Stripe.Checkout.Session;
  const refused = await refusedByLimit(options);
  if (refused) return refused;
  try {
    // Expanded: the invoice, receipt and card are kept on the payment as it is fulfilled.
    session = await stripe.checkout.sessions.retrieve(sessionId, {
      expand: SESSION_DOCUMENTS_EXPAND,
    });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
      return { kind: "problem", status: 404, message: NOT_FOUND };
    }
    console.error(`Retrieving Checkout Session ${sessionId} failed: ${errorMessage(error)}`);
    return UNREACHABLE;
  }
  const owner = session.client_reference_id ?? session.metadata?.user_id ?? null;
  if (owner !== String(user.id)) return { kind: "problem", status: 404, message: NOT_FOUND };
  if (session.mode !== "payment") return NOT_ANNUAL;

  if (!isPaidSession(session))
    return session.status === "expired" ? { kind: "expired" } : { kind: "processing" };

  // One membership at a time (decision 17): a year completed after another product (even one
  // whose webhook has not come yet) is ended here as the webhook would end it, from Stripe's
  // state and with the same keys, so this page never fulfils it first.
  try {
    await settleForSession(db, stripe, session, now);
  } catch (error) {
    console.error(`Settling the membership of ${sessionId} failed: ${errorMessage(error)}`);
    return UNREACHABLE;
  }
  // A year bought while a stored subscription runs waits for the webhook.
  const running = await db
    .selectFrom("subscriptions")
    .select("id")
    .where("user_id", "=", user.id)
    .where("off_catalog", "=", 0)
    .where("status", "in", ["trialing", "active", "past_due"])
    .executeTakeFirst();
  if (running) return { kind: "processing" };
  const outcome = await fulfilCheckoutSession(db, session, now);
  if (outcome.kind === "ended_as_second") return REFUNDED;
  if (outcome.kind === "mismatch") {
    return {
      kind: "problem",
      status: 409,
      message: "payment:problems.mismatch",
    };
  }
  const fresh = await db
    .selectFrom("users")
    .select(["subscription_status", "access_expires_at"])
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  if (effectiveStatus(fresh, now) !== "ACTIVE" || !fresh.access_expires_at)
    return { kind: "processing" };
  return {
    kind: "paid",
    accessEndsOn: formatDate(fresh.access_expires_at),
    accessEndsAt: fresh.access_expires_at,
    paymentId: payment.id,
  };
}
