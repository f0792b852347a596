import type { DB, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { DOCUMENT_COLUMNS } from "../payments/checkout-documents.server";
import { memberView, type MemberView } from "./member-view";

/** How many charges the pages list (newest first); older ones stay on Stripe's invoices. */
export const HISTORY_LIMIT = 100;

/**
 * The rows the member view reads, in three indexed queries by user id: the subscriptions, the
 * latest invoices and the latest payments (not the abandoned checkouts).
 */
export async function loadMemberView(
  db: DB,
  user: Pick<User, "id" | "role" | "subscription_status" | "access_expires_at">,
  now: Date,
): Promise<MemberView> {
  const [subscriptions, invoices, payments] = await Promise.all([
    db
      .selectFrom("subscriptions")
      .select([
        "stripe_subscription_id",
        "plan",
        "interval",
        "amount",
        "currency",
        "status",
        "current_period_end",
        "trial_end",
        "cancel_at_period_end",
        "cancel_at",
        "canceled_at",
        "ended_at",
        "cancellation_reason",
        "card_brand",
        "card_last4",
        "stripe_created_at",
      ])
      .where("user_id", "=", user.id)
      .execute(),
    db
      .selectFrom("invoices")
      .select([
        "stripe_invoice_id",
        "stripe_subscription_id",
        "number",
        "status",
        "amount_due",
        "amount_paid",
        "currency",
        "billing_reason",
        "hosted_invoice_url",
        "invoice_pdf",
        "paid_at",
        "next_payment_attempt",
        "stripe_created_at",
      ])
      .where("user_id", "=", user.id)
      .orderBy("stripe_created_at", "desc")
      .limit(HISTORY_LIMIT)
      .execute(),
    db
      .selectFrom("payments")
      .select([
        "id",
        "plan",
        "amount",
        "currency",
        "status",
        "stripe_payment_intent_id",
        "access_ends_at",
        "paid_at",
        "created_at",
        // the invoice, receipt, card and buyer kept at fulfilment
        ...DOCUMENT_COLUMNS,
      ])
      .where("user_id", "=", user.id)
      .where("status", "not in", ["pending", "expired", "canceled"])
      .orderBy("created_at", "desc")
      .limit(HISTORY_LIMIT)
      .execute(),
  ]);
  const facts = {
    role: user.role,
    access: user,
    subscriptions,
    invoices,
    payments,
    currency: env().pricingCurrency,
    now,
  };
  const view = memberView(facts);
  // Only a member without access can be held back by a dispute: one more query for them alone.
  if (!WITHHELD_STATES.has(view.state) || (payments.length === 0 && subscriptions.length === 0))
    return view;
  const dispute = await db
    .selectFrom("disputes")
    .select("stripe_created_at")
    .where("user_id", "=", user.id)
    .where("status", "not in", DISPUTE_SETTLED)
    .orderBy("stripe_created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return dispute ? memberView({ ...facts, suspendedSince: dispute.stripe_created_at }) : view;
}

/** States a withheld access reads as before the dispute is taken into account. */
const WITHHELD_STATES = new Set<MemberView["state"]>(["expired", "cancelled", "refunded", "new"]);
/** Disputes that hold nothing back any more (lost ones end in a refund to the bank). */
const DISPUTE_SETTLED = ["won", "warning_closed", "prevented", "lost"];
