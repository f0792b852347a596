import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database } from "../../db/schema";
import { stripe as appStripe } from "../lib/stripe.server";
import { findPaymentForSession } from "../payments/fulfilment.server";
import { invoiceSubscriptionId, syncSubscription, type SyncResult } from "./sync.server";

type DB = Kysely<Database>;
type EventEffect = (trx: DB) => Promise<string | null>;
type EventHandler = (db: DB, event: Stripe.Event, now: Date) => Promise<EventEffect>;

/**
 * The billing side of the webhook: every subscription and invoice event, and a Checkout
 * Session of subscription mode, makes the app read the subscription (and its invoices) from
 * Stripe and store it, never the event's payload (see sync.server.ts). The sync writes in its
 * own transaction, then the event's transaction records the event with a note; a retry after
 * a failure between the two syncs again, which changes nothing.
 */
export function billingHandlerFor(
  event: Pick<Stripe.Event, "type" | "data">,
): EventHandler | undefined {
  const handler = handlerOf(event);
  return handler ? skippingProcessed(handler) : undefined;
}

function handlerOf(event: Pick<Stripe.Event, "type" | "data">): EventHandler | undefined {
  const object = event.data.object as { object?: unknown; mode?: unknown };
  if (event.type.startsWith("customer.subscription.") || event.type.startsWith("invoice."))
    return syncHandler;
  if (object.object !== "checkout.session" || object.mode !== "subscription") return undefined;
  // A subscription Checkout never buys the annual year: none of its events may reach fulfilment.
  if (
    event.type === "checkout.session.completed" ||
    event.type === "checkout.session.async_payment_succeeded"
  )
    return checkoutCompletedHandler;
  if (event.type === "checkout.session.async_payment_failed")
    return checkoutSubscriptionSyncHandler;
  // checkout.session.expired: the payments table's generic expiry applies to its reservation.
  return undefined;
}

/**
 * A repeated delivery of an event already processed reads nothing from Stripe: the event's
 * transaction then finds it processed and answers duplicate without calling the effect.
 */
function skippingProcessed(handler: EventHandler): EventHandler {
  return async (db, event, now) => {
    const row = await db
      .selectFrom("stripe_webhook_events")
      .select("processed")
      .where("event_id", "=", event.id)
      .executeTakeFirst();
    if (row?.processed === 1) return async () => "already processed";
    return handler(db, event, now);
  };
}

function subscriptionIdOf(event: Stripe.Event): {
  subscriptionId: string | null;
  invoiceId: string | null;
} {
  const object = event.data.object as { object?: string; id?: string };
  if (object.object === "subscription")
    return { subscriptionId: object.id ?? null, invoiceId: null };
  if (object.object === "invoice") {
    const invoice = object as Stripe.Invoice;
    // invoice.upcoming describes an invoice that does not exist yet: there is nothing to read.
    const real =
      event.type !== "invoice.upcoming" &&
      typeof invoice.id === "string" &&
      invoice.id.startsWith("in_");
    return { subscriptionId: invoiceSubscriptionId(invoice), invoiceId: real ? invoice.id : null };
  }
  return { subscriptionId: null, invoiceId: null };
}

function noteOf(result: SyncResult): string | null {
  switch (result.kind) {
    case "synced":
      return `subscription synced: ${result.status}${result.emails.length > 0 ? `; queued ${result.emails.join(", ")}` : ""}`;
    case "unknown_customer":
      return `customer ${result.customerId} not created by this app; ignored`;
    case "not_found":
      return "subscription not found at Stripe; ignored";
  }
}

const syncHandler: EventHandler = async (db, event, now) => {
  const { subscriptionId, invoiceId } = subscriptionIdOf(event);
  if (!subscriptionId) return async () => "not a subscription's object; nothing to sync";
  const result = await syncSubscription(db, appStripe(), subscriptionId, {
    cause: event.id,
    eventType: event.type,
    invoiceId,
    now,
  });
  return async () => noteOf(result);
};

const checkoutCompletedHandler: EventHandler = async (db, event, now) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const subscriptionId =
    typeof session.subscription === "string"
      ? session.subscription
      : (session.subscription?.id ?? null);
  const result = subscriptionId
    ? await syncSubscription(db, appStripe(), subscriptionId, {
        cause: event.id,
        eventType: event.type,
        now,
      })
    : null;
  return async (trx) => {
    const settled = await settleSubscriptionCheckout(trx, session, now);
    return [settled, result ? noteOf(result) : "session has no subscription"]
      .filter(Boolean)
      .join("; ");
  };
};

const checkoutSubscriptionSyncHandler: EventHandler = async (db, event, now) => {
  const session = event.data.object as Stripe.Checkout.Session;
  const subscriptionId =
    typeof session.subscription === "string"
      ? session.subscription
      : (session.subscription?.id ?? null);
  if (!subscriptionId) return async () => "session has no subscription";
  const result = await syncSubscription(db, appStripe(), subscriptionId, {
    cause: event.id,
    eventType: event.type,
    now,
  });
  return async () => noteOf(result);
};

/** The reservation of a completed subscription Checkout is done: it no longer blocks or reuses. */
export async function settleSubscriptionCheckout(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string> {
  if (session.status !== "complete") return "session not complete";
  const payment = await findPaymentForSession(trx, session, { adopt: true, now });
  if (!payment) return "checkout session not created by this app";
  if (payment.status === "paid") return "checkout already settled";
  const nowIso = now.toISOString();
  await trx
    .updateTable("payments")
    .set({
      status: "paid",
      paid_at: nowIso,
      stripe_customer_id:
        typeof session.customer === "string"
          ? session.customer
          : (session.customer?.id ?? payment.stripe_customer_id),
      stripe_invoice_id:
        typeof session.invoice === "string" ? session.invoice : (session.invoice?.id ?? null),
      updated_at: nowIso,
    })
    .where("id", "=", payment.id)
    .where("status", "!=", "paid")
    .execute();
  return "checkout settled";
}
