import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import type { CheckoutDocuments } from "./checkout-documents.server";
import { applyExpiry, applyFailure, applyFulfilment } from "./fulfilment.server";

// The effects of a one-time payment's Checkout events (the annual year), each applied inside
// the event's transaction and returning the note kept in the ledger (null: nothing to say).

/** A paid session buys the year: the payment becomes paid, access is extended, an email queued. */
export async function applyPaidCheckout(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
  documents?: CheckoutDocuments,
): Promise<string | null> {
  const outcome = await applyFulfilment(trx, session, now, documents);
  switch (outcome.kind) {
    case "fulfilled":
      return null;
    case "already_paid":
      return "payment already fulfilled";
    case "not_paid":
      return `session payment_status is ${outcome.paymentStatus}; nothing to fulfil`;
    case "unknown_session":
      return UNKNOWN_SESSION;
    case "mismatch":
      return `not fulfilled: ${outcome.message}`;
    case "not_one_time":
      return `not fulfilled: a ${outcome.mode}-mode session never buys the annual year`;
    case "ended_as_second":
      return `second membership: payment ${outcome.paymentId} refunded (${outcome.refunded}), not fulfilled`;
  }
}

/** A delayed payment method failed: the pending payment becomes failed and the member hears. */
export async function applyFailedCheckout(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string | null> {
  const result = await applyFailure(trx, session, now);
  return result === "failed" ? null : noteFor(result);
}

/** An abandoned session's reservation becomes expired (a paid one never changes). */
export async function applyExpiredCheckout(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string | null> {
  const result = await applyExpiry(trx, session, now);
  return result === "expired" ? null : noteFor(result);
}

const UNKNOWN_SESSION = "checkout session not created by this app; ignored";

function noteFor(result: "unchanged" | "unknown_session"): string {
  return result === "unknown_session" ? UNKNOWN_SESSION : "payment already settled; unchanged";
}
