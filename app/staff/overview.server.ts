import type { DB, Role } from "../../db/schema";
import { planById } from "../payments/catalog";
import { ROLES } from "../lib/roles";
import { REVENUE_CURRENCY } from "./constants";
import { STATUSES } from "./members.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export { REVENUE_CURRENCY };

export interface MonthRevenue {
  /** YYYY-MM */
  month: string;
  /** minor units of MAD, by role */
  byRole: Record<Role, number>;
}

function monthStart(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}

/** The last 12 months (the current one last), as [start, end) ranges. */
export function lastTwelveMonths(now: Date): { month: string; from: Date; to: Date }[] {
  const months = [];
  for (let i = 11; i >= 0; i--) {
    const from = monthStart(now.getUTCFullYear(), now.getUTCMonth() - i);
    const to = monthStart(from.getUTCFullYear(), from.getUTCMonth() + 1);
    months.push({ month: from.toISOString().slice(0, 7), from, to });
  }
  return months;
}

function roleOfPlan(plan: string): Role | null {
  const role = plan.split("_")[0];
  return (ROLES as readonly string[]).includes(role ?? "") ? (role as Role) : null;
}

/** Paid subscription invoices in MAD in [from, to), by their subscription's plan. */
function invoiceRevenue(database: DB, from: Date, to: Date) {
  return database
    .selectFrom("invoices")
    .innerJoin(
      "subscriptions",
      "subscriptions.stripe_subscription_id",
      "invoices.stripe_subscription_id",
    )
    .select(["subscriptions.plan", (eb) => eb.fn.sum<number>("invoices.amount_paid").as("total")])
    .where("invoices.status", "=", "paid")
    .where("invoices.paid_at", ">=", from.toISOString())
    .where("invoices.paid_at", "<", to.toISOString())
    .where("invoices.currency", "=", REVENUE_CURRENCY)
    .groupBy("subscriptions.plan")
    .execute();
}

/**
 * Money paid in MAD per month for the last 12 months, by role, read live: one-time payments
 * (paid, or paid then refunded: gross, before refunds) from `revenue_months`, which triggers
 * on payments keep in the same transaction as every payment write (migration 0082), plus paid
 * subscription invoices by their subscription's plan through the (status, paid_at) index. A
 * subscription Checkout's own payment row is left out (its invoice counts). Complimentary
 * access has no amount and never appears here.
 */
export async function revenueByMonth(database: DB, now: Date): Promise<MonthRevenue[]> {
  const months = lastTwelveMonths(now);
  const [kept, ...invoices] = await Promise.all([
    database
      .selectFrom("revenue_months")
      .select(["month", "plan", "amount"])
      .where("currency", "=", REVENUE_CURRENCY)
      .where("month", ">=", months[0]!.month)
      .where("month", "<=", months.at(-1)!.month)
      .execute(),
    ...months.map(({ from, to }) => invoiceRevenue(database, from, to)),
  ]);
  return months.map(({ month }, i) => {
    const byRole: Record<Role, number> = { talent: 0, professional: 0, company: 0 };
    for (const row of kept) {
      if (row.month !== month) continue;
      const plan = planById(row.plan, REVENUE_CURRENCY);
      if (plan && "interval" in plan) continue; // a subscription Checkout: its invoice counts
      const role = roleOfPlan(row.plan);
      if (role) byRole[role] += Number(row.amount);
    }
    for (const row of invoices[i]!) {
      const role = roleOfPlan(row.plan);
      if (role) byRole[role] += Number(row.total);
    }
    return { month, byRole };
  });
}

export async function overview(database: DB, now: Date) {
  const nowIso = now.toISOString();
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS).toISOString();
  const weekAhead = new Date(now.getTime() + 7 * DAY_MS).toISOString();
  const [
    byRoleStatus,
    revenue,
    running,
    trials,
    trialsEnding,
    failedPayments,
    failedInvoices,
    disputes,
    failingEvents,
    failingEmails,
    oldestUnsent,
    complimentary,
  ] = await Promise.all([
    database
      .selectFrom("users")
      .select(["role", "subscription_status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["role", "subscription_status"])
      .execute(),
    revenueByMonth(database, now),
    database
      .selectFrom("subscriptions")
      .select(["interval", "currency", (eb) => eb.fn.sum<number>("amount").as("total")])
      .where("status", "in", ["active", "past_due"])
      .groupBy(["interval", "currency"])
      .execute(),
    database
      .selectFrom("subscriptions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "trialing")
      .executeTakeFirst(),
    database
      .selectFrom("subscriptions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "trialing")
      .where("trial_end", ">", nowIso)
      .where("trial_end", "<=", weekAhead)
      .executeTakeFirst(),
    database
      .selectFrom("payments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "failed")
      .where("created_at", ">=", monthAgo)
      .executeTakeFirst(),
    database
      .selectFrom("subscriptions")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "in", ["past_due", "unpaid"])
      .executeTakeFirst(),
    database
      .selectFrom("disputes")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "in", [
        "warning_needs_response",
        "needs_response",
        "under_review",
        "warning_under_review",
      ])
      .where("stripe_created_at", ">=", monthAgo)
      .executeTakeFirst(),
    database
      .selectFrom("stripe_webhook_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("processed", "=", 0)
      .where("error_message", "is not", null)
      .executeTakeFirst(),
    database
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "failed")
      .executeTakeFirst(),
    database
      .selectFrom("email_outbox")
      .select(["id", "created_at", "to_email"])
      .where("status", "=", "pending")
      .orderBy("id", "asc")
      .limit(1)
      .executeTakeFirst(),
    database
      .selectFrom("complimentary_access")
      .select((eb) => eb.fn.count<number>("user_id").distinct().as("n"))
      .where("ends_at", ">", nowIso)
      .executeTakeFirst(),
  ]);

  const members = ROLES.map((role) => ({
    role,
    byStatus: Object.fromEntries(
      STATUSES.map((s) => [
        s,
        Number(byRoleStatus.find((r) => r.role === role && r.subscription_status === s)?.n ?? 0),
      ]),
    ) as Record<(typeof STATUSES)[number], number>,
  }));
  // Monthly recurring revenue: yearly subscriptions count a twelfth of their amount.
  const mrr = new Map<string, number>();
  for (const row of running) {
    const monthly = row.interval === "year" ? Number(row.total) / 12 : Number(row.total);
    mrr.set(row.currency, (mrr.get(row.currency) ?? 0) + monthly);
  }
  return {
    members,
    revenue,
    mrr: [...mrr].map(([currency, amount]) => ({ currency, amount: Math.round(amount) })),
    trialsRunning: Number(trials?.n ?? 0),
    trialsEndingWithin7Days: Number(trialsEnding?.n ?? 0),
    failedPayments30Days: Number(failedPayments?.n ?? 0),
    subscriptionsPaymentFailing: Number(failedInvoices?.n ?? 0),
    openDisputes30Days: Number(disputes?.n ?? 0),
    failingEvents: Number(failingEvents?.n ?? 0),
    failingEmails: Number(failingEmails?.n ?? 0),
    oldestUnsent: oldestUnsent ?? null,
    complimentaryRunning: Number(complimentary?.n ?? 0),
  };
}
