import Stripe from "stripe";
import { syncForCheckout, syncForEvent } from "../billing/subscription-events.server";
import {
  applyChargeRefunds,
  applyDispute,
  readChargeRefunds,
  readDispute,
  type ChargeRefunds,
} from "../billing/refund-events.server";
import {
  applyExpiredCheckout,
  applyFailedCheckout,
  applyPaidCheckout,
} from "../payments/checkout-events.server";
import {
  awaitsFulfilment,
  isPaidSession,
  settleSubscriptionCheckout,
} from "../payments/fulfilment.server";
import {
  NO_DOCUMENTS,
  readSessionDocuments,
  type CheckoutDocuments,
} from "../payments/checkout-documents.server";
import {
  applyOneTimeInvoice,
  isOneTimeInvoice,
  readOneTimeInvoice,
  type OneTimeInvoiceRead,
} from "../payments/invoice-events.server";
import { invoiceSubscriptionId } from "../billing/sync.server";
import { expireOtherOpenCheckouts, settleForSession } from "../billing/one-membership.server";
import {
  eventTable,
  on,
  type EventContext,
  type EventEntry,
  type EventOf,
  type EventTable,
} from "./entry.server";

// Every Stripe event type the app handles, and what it does with it. An event whose type is
// not here is recorded in the ledger as not handled and answered 2xx (process.server.ts).
// Adding a type is one line here (a type registered twice fails at start-up).

type CheckoutEventType =
  | "checkout.session.completed"
  | "checkout.session.async_payment_succeeded"
  | "checkout.session.async_payment_failed";

/**
 * A Checkout Session of subscription mode starts an auto-renewing plan: its subscription is
 * read from Stripe and stored (billing/), and its reservation settled. Payment mode buys the
 * annual year (payments/, whose fulfilment refuses any other mode). Setup mode is never
 * created by this app.
 */
async function syncIfSubscription(
  event: EventOf<CheckoutEventType>,
  ctx: EventContext,
): Promise<string | null> {
  const session = event.data.object;
  if (session.mode !== "subscription" || (await ctx.alreadyProcessed())) return null;
  return syncForCheckout(ctx.db, ctx.stripe(), event, session, ctx.now);
}

const SETUP_NOTE = "setup-mode session: this app buys nothing with it; ignored";

/** A paid (or, for subscriptions, completed) Checkout: the mode decides what was bought. */
const checkoutPaid: EventEntry<
  EventOf<"checkout.session.completed" | "checkout.session.async_payment_succeeded">,
  { synced: string | null; settled: string | null; documents: CheckoutDocuments }
> = {
  prepare: async (event, ctx) => {
    const session = event.data.object;
    if (session.status !== "complete" || (await ctx.alreadyProcessed()))
      return { synced: null, settled: null, documents: NO_DOCUMENTS };
    // One membership at a time (decision 17): the member's other open Checkouts stop here, and
    // a product completed after another one is ended at Stripe before anything is written.
    await expireOtherOpenCheckouts(ctx.db, ctx.stripe(), session, ctx.now);
    if (session.mode === "subscription")
      return {
        synced: await syncIfSubscription(event, ctx),
        settled: null,
        documents: NO_DOCUMENTS,
      };
    const settled =
      session.mode === "payment" && isPaidSession(session)
        ? await settleForSession(ctx.db, ctx.stripe(), session, ctx.now)
        : null;
    // The invoice Stripe made for the year, its receipt and card: read once, kept on the row.
    const documents =
      session.mode === "payment" &&
      isPaidSession(session) &&
      (await awaitsFulfilment(ctx.db, session.id))
        ? await readSessionDocuments(ctx.stripe(), session)
        : NO_DOCUMENTS;
    return { synced: null, settled, documents };
  },
  apply: async (trx, event, { synced, settled, documents }, { now }) => {
    const session = event.data.object;
    if (session.mode === "subscription") {
      // A subscription Checkout never buys the annual year: it only settles its reservation.
      const settledCheckout = await settleSubscriptionCheckout(trx, session, now);
      return [settledCheckout, synced ?? "session has no subscription"].join("; ");
    }
    if (session.mode === "setup") return SETUP_NOTE;
    if (event.type === "checkout.session.completed" && session.payment_status === "unpaid")
      return "payment not settled yet (delayed payment method); waiting for async_payment_succeeded";
    // A year this settlement (or another delivery's) ended is recorded refunded, not fulfilled.
    const note = await applyPaidCheckout(trx, session, now, documents);
    return [settled, note].filter((n) => n !== null).join("; ") || null;
  },
};

/**
 * An invoice event: a subscription's invoice syncs its subscription; the invoice of a one-time
 * payment (invoice_creation, metadata.payment_id) is read from Stripe and kept on its payment,
 * whether it comes before or after the session's event.
 */
const invoiceEvent: EventEntry<
  EventOf<Extract<Stripe.Event.Type, `invoice.${string}`>>,
  { synced: string | null; oneTime: OneTimeInvoiceRead | null }
> = {
  prepare: async (event, ctx) => {
    if (await ctx.alreadyProcessed()) return { synced: null, oneTime: null };
    const invoice = event.data.object;
    if (invoiceSubscriptionId(invoice) === null && isOneTimeInvoice(invoice))
      return { synced: null, oneTime: await readOneTimeInvoice(ctx.stripe(), event.type, invoice) };
    return { synced: await syncForEvent(ctx.db, ctx.stripe(), event, ctx.now), oneTime: null };
  },
  apply: async (trx, _event, { synced, oneTime }, { now }) =>
    oneTime ? applyOneTimeInvoice(trx, oneTime, now) : synced,
};

/** Every subscription event: read the subscription from Stripe and store it. */
const subscriptionSync: EventEntry<
  EventOf<Extract<Stripe.Event.Type, `customer.subscription.${string}`>>,
  string | null
> = {
  prepare: async (event, ctx) =>
    (await ctx.alreadyProcessed()) ? null : syncForEvent(ctx.db, ctx.stripe(), event, ctx.now),
  apply: async (_trx, _event, note) => note,
};

/** Reads from Stripe unless the event was processed; a 404 there is kept as a note (2xx). */
async function readUnlessProcessed<T>(
  ctx: EventContext,
  read: () => Promise<T>,
): Promise<{ value: T } | { note: string }> {
  if (await ctx.alreadyProcessed()) return { note: "already processed" };
  try {
    return { value: await read() };
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
      return { note: `not found at Stripe: ${error.message}` };
    throw error;
  }
}

/** A refund made anywhere (Stripe's dashboard, requestRefund, a conflict): the charge's refunds. */
const chargeRefunds: EventEntry<
  EventOf<"charge.refunded" | "refund.created" | "refund.updated" | "charge.refund.updated">,
  { value: ChargeRefunds | null } | { note: string }
> = {
  prepare: (event, ctx) =>
    readUnlessProcessed(ctx, () => readChargeRefunds(ctx.stripe(), event.data.object)),
  apply: async (trx, _event, read, { now }) => {
    if ("note" in read) return read.note;
    if (!read.value) return "refund names no charge; recorded";
    return applyChargeRefunds(trx, read.value, now);
  },
};

/** A dispute (chargeback) opened, changed or closed: read it and withhold or restore access. */
const dispute: EventEntry<
  EventOf<
    | "charge.dispute.created"
    | "charge.dispute.updated"
    | "charge.dispute.closed"
    | "charge.dispute.funds_withdrawn"
    | "charge.dispute.funds_reinstated"
  >,
  { value: Stripe.Dispute } | { note: string }
> = {
  prepare: (event, ctx) =>
    readUnlessProcessed(ctx, () => readDispute(ctx.stripe(), event.data.object.id)),
  apply: async (trx, event, read, { now }) =>
    "note" in read ? read.note : applyDispute(trx, read.value, event.type, now),
};

export const stripeEvents: EventTable = eventTable([
  // Checkout ------------------------------------------------------------------------------------
  on("checkout.session.completed", checkoutPaid),
  on("checkout.session.async_payment_succeeded", checkoutPaid),
  on("checkout.session.async_payment_failed", {
    prepare: syncIfSubscription,
    apply: async (trx, event, synced, { now }) => {
      const session = event.data.object;
      // Subscription mode: Stripe's own retries of the first invoice decide; the synced state
      // says where it is.
      if (session.mode === "subscription") return synced ?? "session has no subscription";
      if (session.mode === "setup") return SETUP_NOTE;
      return applyFailedCheckout(trx, session, now);
    },
  }),
  // Both modes: the reservation of an abandoned session expires (a paid one never changes).
  on("checkout.session.expired", {
    apply: (trx, event, _prepared, { now }) => applyExpiredCheckout(trx, event.data.object, now),
  }),

  // Subscriptions (state read from Stripe, never from the payload) -----------------------------
  on("customer.subscription.created", subscriptionSync),
  on("customer.subscription.updated", subscriptionSync),
  on("customer.subscription.deleted", subscriptionSync),
  on("customer.subscription.paused", subscriptionSync),
  on("customer.subscription.resumed", subscriptionSync),
  on("customer.subscription.pending_update_applied", subscriptionSync),
  on("customer.subscription.pending_update_expired", subscriptionSync),
  // Also queues the trial-ending email, which only this event announces.
  on("customer.subscription.trial_will_end", subscriptionSync),

  // Invoices (a subscription's syncs the subscription and the invoice; a one-time payment's is
  // kept on the payment) -------------------------------------------------------------------------
  on("invoice.created", invoiceEvent),
  on("invoice.finalized", invoiceEvent),
  on("invoice.finalization_failed", invoiceEvent),
  on("invoice.updated", invoiceEvent),
  on("invoice.sent", invoiceEvent),
  on("invoice.paid", invoiceEvent),
  on("invoice.payment_succeeded", invoiceEvent),
  on("invoice.payment_failed", invoiceEvent),
  on("invoice.payment_action_required", invoiceEvent),
  on("invoice.payment_attempt_required", invoiceEvent),
  on("invoice.overdue", invoiceEvent),
  on("invoice.overpaid", invoiceEvent),
  on("invoice.will_be_due", invoiceEvent),
  on("invoice.upcoming", invoiceEvent),
  on("invoice.marked_uncollectible", invoiceEvent),
  on("invoice.voided", invoiceEvent),
  on("invoice.deleted", invoiceEvent),

  // Refunds and disputes (decision 17) -----------------------------------------------------------
  on("charge.refunded", chargeRefunds),
  on("charge.refund.updated", chargeRefunds),
  on("refund.created", chargeRefunds),
  on("refund.updated", chargeRefunds),
  on("charge.dispute.created", dispute),
  on("charge.dispute.updated", dispute),
  on("charge.dispute.closed", dispute),
  on("charge.dispute.funds_withdrawn", dispute),
  on("charge.dispute.funds_reinstated", dispute),
]);
