import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import {
  memberOfCustomer,
  settleForSession,
  settleMembership,
  settlementNote,
} from "./one-membership.server";
import { invoiceSubscriptionId, syncSubscription, type SyncResult } from "./sync.server";
import { expandableId } from "../lib/stripe-ids";

// The billing side of the Stripe event table (app/stripe-events/table.server.ts): every
// subscription and invoice event, and a Checkout Session of subscription mode, makes the app
// read the subscription (and its invoices) from Stripe and store it, never the event's payload
// (see sync.server.ts). These run in the entry's `prepare` step: the sync writes in its own
// transaction, then the event's transaction records the event with the note returned here; a
// retry after a failure between the two syncs again, which changes nothing.

/** Syncs the subscription a subscription or invoice event names; returns the ledger note. */
export async function syncForEvent(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  now: Date,
): Promise<string> {
  const { subscriptionId, invoiceId } = subscriptionIdOf(event);
  if (!subscriptionId) return "not a subscription's object; nothing to sync";
  // One membership at a time: a later product is ended at Stripe before this sync reads it.
  const settled = STARTS_A_MEMBERSHIP.has(event.type)
    ? await settleCustomer(db, stripe, event, now)
    : null;
  const result = await syncSubscription(db, stripe, subscriptionId, {
    cause: event.id,
    eventType: event.type,
    invoiceId,
    now,
  });
  return withSettlement(result, settled);
}

/** Syncs the subscription a subscription-mode Checkout Session created; returns the note. */
export async function syncForCheckout(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string> {
  const subscriptionId = expandableId(session.subscription);
  if (!subscriptionId) return "session has no subscription";
  const settled = await settleForSession(db, stripe, session, now);
  const result = await syncSubscription(db, stripe, subscriptionId, {
    cause: event.id,
    eventType: event.type,
    now,
  });
  return withSettlement(result, settled);
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

/** The events with which a subscription can start running: each settles the membership first. */
const STARTS_A_MEMBERSHIP = new Set<string>([
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.resumed",
  "invoice.paid",
  "invoice.payment_succeeded",
]);

async function settleCustomer(
  db: DB,
  stripe: Stripe,
  event: Stripe.Event,
  now: Date,
): Promise<string | null> {
  const customer = (event.data.object as { customer?: string | { id: string } | null }).customer;
  const userId = await memberOfCustomer(
    db,
    typeof customer === "string" ? customer : (customer?.id ?? null),
  );
  return userId === null
    ? null
    : settlementNote(await settleMembership(db, stripe, userId, now, { subscriptionEvent: true }));
}

function withSettlement(result: SyncResult, settled: string | null): string {
  const note = syncNote(result);
  return settled ? `${note}; ${settled}` : note;
}

function syncNote(result: SyncResult): string {
  switch (result.kind) {
    case "synced":
      return `subscription synced: ${result.status}${result.emails.length > 0 ? `; queued ${result.emails.join(", ")}` : ""}`;
    case "superseded":
      return `subscription read older than the stored one (read at ${result.storedReadAt}); kept the stored state`;
    case "unknown_customer":
      return `customer ${result.customerId} not created by this app; ignored`;
    case "not_found":
      return "subscription not found at Stripe; ignored";
  }
}
