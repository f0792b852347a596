import Stripe from "stripe";
import type { DB } from "../../db/schema";
import { resyncAll, type ResyncReport } from "../billing/resync.server";
import { runRenewalNotices } from "../billing/renewal-notices.server";
import { syncForCheckout } from "../billing/subscription-events.server";
import { applyExpiredCheckout } from "../payments/checkout-events.server";
import { settleForSession } from "../billing/one-membership.server";
import {
  fulfilCheckoutSession,
  isPaidSession,
  settleSubscriptionCheckout,
} from "../payments/fulfilment.server";
import { writeTransaction } from "../../db/dialect";
import { SESSION_DOCUMENTS_EXPAND } from "../payments/checkout-documents.server";
import { processVerifiedEvent } from "./process.server";
import { errorMessage } from "../lib/errors";

/** A pending payment younger than this may still be on its way through the webhook. */
export const PENDING_GRACE_MS = 5 * 60 * 1000;
const PAGE = 200;

/**
 * Everything `npm run stripe:sync` and the daily job repair, each line naming what it changed
 * by id: every customer's subscriptions and invoices (resyncAll), every pending Checkout older
 * than a few minutes read from Stripe (paid: fulfilled through the webhook's own function and
 * email; expired: expired), and every ledger event whose processing failed, read again from
 * Stripe's Events API and applied through the event entry point. A second run changes nothing.
 */
export async function reconcileWithStripe(
  db: DB,
  stripe: Stripe,
  now: () => Date = () => new Date(),
): Promise<ResyncReport> {
  const report = await resyncAll(db, stripe, now);
  const pending = await reconcilePendingCheckouts(db, stripe, now());
  const events = await reprocessFailedEvents(db, stripe, now());
  const notices = await runRenewalNotices(db, now());
  report.drift.push(...pending.changed, ...events.changed, ...notices);
  report.errors.push(...pending.errors, ...events.errors);
  return report;
}

export interface ReconcileLines {
  changed: string[];
  errors: string[];
}

/** Pending Checkouts older than PENDING_GRACE_MS: what Stripe says about each session. */
export async function reconcilePendingCheckouts(
  db: DB,
  stripe: Stripe,
  now: Date,
): Promise<ReconcileLines> {
  const out: ReconcileLines = { changed: [], errors: [] };
  const before = new Date(now.getTime() - PENDING_GRACE_MS).toISOString();
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom("payments")
      .select(["id", "stripe_checkout_session_id"])
      .where("status", "=", "pending")
      .where("stripe_checkout_session_id", "is not", null)
      .where("created_at", "<", before)
      .where("id", ">", after)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const sessionId = row.stripe_checkout_session_id!;
      const label = `payment ${row.id} (${sessionId})`;
      try {
        const session = await stripe.checkout.sessions.retrieve(sessionId, {
          expand: SESSION_DOCUMENTS_EXPAND,
        });
        const line = await settleFromSession(db, stripe, session, now);
        if (line) out.changed.push(`${label}: ${line}`);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) {
          out.errors.push(`${label}: session not found at Stripe`);
          continue;
        }
        out.errors.push(`${label}: ${errorMessage(error)}`);
      }
    }
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.id;
  }
}

async function settleFromSession(
  db: DB,
  stripe: Stripe,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string | null> {
  if (session.status === "expired") {
    const note = await writeTransaction(db, (trx) => applyExpiredCheckout(trx, session, now));
    return note === null ? "pending -> expired" : null;
  }
  if (session.mode === "subscription") {
    if (session.status !== "complete") return null;
    const synced = await syncForCheckout(db, stripe, syncCause(session), session, now);
    const settled = await writeTransaction(db, (trx) =>
      settleSubscriptionCheckout(trx, session, now),
    );
    return settled === "checkout settled" ? `subscription checkout settled (${synced})` : null;
  }
  if (!isPaidSession(session)) return null;
  await settleForSession(db, stripe, session, now);
  const outcome = await fulfilCheckoutSession(db, session, now);
  switch (outcome.kind) {
    case "fulfilled":
      return `paid -> fulfilled, access until ${outcome.accessEndsAt}`;
    case "ended_as_second":
      return `paid while another membership stands -> refunded (${outcome.refunded})`;
    case "mismatch":
      return `not fulfilled: ${outcome.message}`;
    default:
      return null;
  }
}

/** The ledger cause of a reconciliation's sync of a subscription Checkout. */
function syncCause(session: Stripe.Checkout.Session): Stripe.Event {
  return {
    id: "sync",
    type: "checkout.session.completed",
    data: { object: session },
  } as Stripe.Event;
}

/** Events recorded as failed (not processed, an error kept): read again from Stripe and applied. */
export async function reprocessFailedEvents(
  db: DB,
  stripe: Stripe,
  now: Date,
): Promise<ReconcileLines> {
  const out: ReconcileLines = { changed: [], errors: [] };
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom("stripe_webhook_events")
      .select(["id", "event_id", "event_type"])
      .where("processed", "=", 0)
      .where("error_message", "is not", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const label = `event ${row.event_id} (${row.event_type})`;
      let event: Stripe.Event;
      try {
        event = await stripe.events.retrieve(row.event_id);
      } catch (error) {
        out.errors.push(`${label}: ${errorMessage(error)}`);
        continue;
      }
      const result = await processVerifiedEvent(event, {
        db,
        now,
        source: "sync",
        stripe: () => stripe,
      });
      if (result.ok) out.changed.push(`${label}: reprocessed (${result.status})`);
      else out.errors.push(`${label}: failed again: ${result.error}`);
    }
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1]!.id;
  }
}
