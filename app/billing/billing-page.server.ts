import type { DB, SubscriptionRow, User } from "../../db/schema";
import { effectiveStatus } from "../access/period";
import { formatDate, formatMoney } from "../lib/format";
import {
  planById,
  recurringCatalog,
  recurringPriceLabel,
  type BillingInterval,
} from "../payments/catalog";
import { env } from "../lib/env.server";
import { isRunningSubscription } from "./access-status";

export interface HistoryEntry {
  key: string;
  date: string;
  /** for ordering, newest first */
  sortAt: string;
  description: string;
  amount: string;
  status: string;
  /** the app's links to the invoice page and PDF (they check the invoice is the member's) */
  invoicePath: string | null;
  pdfPath: string | null;
}

export interface BillingView {
  plan: string | null;
  price: string | null;
  /** Trial until <date> / Active, renews on <date> / Cancels on <date> / Payment failed, retrying / Cancelled / Expired */
  statusText: string;
  tone: "ok" | "warn" | "bad" | "none";
  card: string | null;
  hasCustomer: boolean;
  history: HistoryEntry[];
}

const REASONS: Record<string, string> = {
  subscription_create: "Subscription started",
  subscription_cycle: "Renewal",
  subscription_update: "Plan change",
  manual: "Invoice",
};

const INVOICE_STATUS: Record<string, string> = {
  paid: "Paid",
  open: "Due",
  draft: "Draft",
  void: "Void",
  uncollectible: "Uncollectible",
};
const PAYMENT_STATUS: Record<string, string> = {
  paid: "Paid",
  failed: "Failed",
  pending: "Pending",
  expired: "Expired",
  canceled: "Canceled",
};

/** The subscription the page is about: a running one, else the most recent. */
function currentSubscription(rows: SubscriptionRow[]): SubscriptionRow | undefined {
  return rows.find((r) => isRunningSubscription(r.status)) ?? rows[0];
}

export function subscriptionStatusText(s: SubscriptionRow): {
  text: string;
  tone: BillingView["tone"];
} {
  const on = (value: string | null) => (value ? formatDate(value) : "-");
  if (s.status === "past_due") return { text: "Payment failed, retrying", tone: "bad" };
  if ((s.status === "trialing" || s.status === "active") && s.cancel_at)
    return { text: `Cancels on ${on(s.cancel_at)}`, tone: "warn" };
  if (s.status === "trialing") return { text: `Trial until ${on(s.trial_end)}`, tone: "ok" };
  if (s.status === "active")
    return { text: `Active, renews on ${on(s.current_period_end)}`, tone: "ok" };
  if (
    s.status === "canceled" &&
    (s.cancellation_reason === "cancellation_requested" || s.cancel_at_period_end === 1)
  )
    return { text: "Cancelled", tone: "none" };
  if (s.status === "incomplete") return { text: "Waiting for the first payment", tone: "warn" };
  return { text: "Expired", tone: "none" };
}

export async function billingView(db: DB, user: User, now: Date): Promise<BillingView> {
  const subscriptions = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("user_id", "=", user.id)
    .orderBy("stripe_created_at", "desc")
    .execute();
  const invoices = await db
    .selectFrom("invoices")
    .selectAll()
    .where("user_id", "=", user.id)
    .orderBy("stripe_created_at", "desc")
    .limit(100)
    .execute();
  const recurringIds = recurringCatalog(env().pricingCurrency).map((p) => p.id);
  const payments = await db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", user.id)
    .where("status", "in", ["paid", "failed"])
    .where("plan", "not in", recurringIds)
    .orderBy("created_at", "desc")
    .limit(100)
    .execute();
  const customer = await db
    .selectFrom("stripe_customers")
    .select("id")
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  const current = currentSubscription(subscriptions);

  let plan: string | null = null;
  let price: string | null = null;
  let status: { text: string; tone: BillingView["tone"] };
  if (
    current &&
    (isRunningSubscription(current.status) || effectiveStatus(user, now) !== "ACTIVE")
  ) {
    plan = planById(current.plan, current.currency)?.name ?? current.plan;
    price = recurringPriceLabel({
      amount: current.amount,
      currency: current.currency,
      interval: current.interval as BillingInterval,
    });
    status = subscriptionStatusText(current);
  } else {
    const effective = effectiveStatus(user, now);
    const lastPaid = payments.find((p) => p.status === "paid");
    plan = lastPaid ? (planById(lastPaid.plan, lastPaid.currency)?.name ?? lastPaid.plan) : null;
    status =
      effective === "ACTIVE"
        ? {
            text: `Active until ${user.access_expires_at ? formatDate(user.access_expires_at) : "-"} (paid once)`,
            tone: "ok",
          }
        : effective === "NONE"
          ? { text: "No plan yet", tone: "none" }
          : { text: effective === "CANCELLED" ? "Cancelled" : "Expired", tone: "none" };
  }

  const history: HistoryEntry[] = [
    ...invoices.map((i) => {
      const subscription = subscriptions.find(
        (s) => s.stripe_subscription_id === i.stripe_subscription_id,
      );
      const planName = subscription
        ? (planById(subscription.plan, subscription.currency)?.name ?? subscription.plan)
        : "Subscription";
      const at = i.paid_at ?? i.stripe_created_at;
      return {
        key: i.stripe_invoice_id,
        date: formatDate(at),
        sortAt: at,
        description: `${planName}: ${REASONS[i.billing_reason ?? ""] ?? "Invoice"}${i.number ? ` (${i.number})` : ""}`,
        amount: formatMoney(i.status === "paid" ? i.amount_paid : i.amount_due, i.currency),
        status: INVOICE_STATUS[i.status ?? ""] ?? i.status ?? "-",
        invoicePath: i.hosted_invoice_url
          ? `/dashboard/${user.role}/billing/invoices/${i.stripe_invoice_id}`
          : null,
        pdfPath: i.invoice_pdf
          ? `/dashboard/${user.role}/billing/invoices/${i.stripe_invoice_id}?format=pdf`
          : null,
      };
    }),
    ...payments.map((p) => {
      const at = p.paid_at ?? p.created_at;
      return {
        key: `payment-${p.id}`,
        date: formatDate(at),
        sortAt: at,
        description: `${planById(p.plan, p.currency)?.name ?? p.plan}: paid once`,
        amount: formatMoney(p.amount, p.currency),
        status: PAYMENT_STATUS[p.status] ?? p.status,
        invoicePath: null,
        pdfPath: null,
      };
    }),
  ].sort((a, b) => (a.sortAt < b.sortAt ? 1 : a.sortAt > b.sortAt ? -1 : 0));

  return {
    plan,
    price,
    statusText: status.text,
    tone: status.tone,
    card: current?.card_last4
      ? `${capitalise(current.card_brand ?? "card")} ending in ${current.card_last4}`
      : null,
    hasCustomer: customer !== undefined,
    history,
  };
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
