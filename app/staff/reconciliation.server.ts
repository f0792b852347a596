import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import { expandableId } from "../lib/stripe-ids";

// The books against Stripe for one month: what the app recorded as paid, refunded and disputed
// beside what Stripe's API lists for the same period (charges, refunds, disputes, and the fees
// and net of their balance transactions), and every object that differs, by id, with why.

export type Kind = "charge" | "refund" | "dispute";

interface Entry {
  id: string;
  amount: number;
  currency: string;
  status: string;
}

export interface Difference {
  kind: Kind;
  id: string;
  reason:
    | "missing in the app"
    | "missing at Stripe"
    | "amount differs"
    | "status differs"
    | "currency differs";
  app: Entry | null;
  stripe: Entry | null;
}

export interface CurrencyTotals {
  currency: string;
  app: { paid: number; refunded: number; disputed: number };
  stripe: {
    charged: number;
    refunded: number;
    disputed: number;
    fees: number | null;
    net: number | null;
  };
}

export interface Reconciliation {
  month: string;
  totals: CurrencyTotals[];
  differences: Difference[];
  counts: { app: Record<Kind, number>; stripe: Record<Kind, number> };
}

/** "YYYY-MM" of a month that has started, or null. */
export function parseMonth(value: string | null, now: Date): string | null {
  if (!value || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return null;
  return Date.parse(`${value}-01T00:00:00Z`) <= now.getTime() ? value : null;
}

export function previousMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 7);
}

function bounds(month: string): { from: Date; to: Date } {
  const from = new Date(`${month}-01T00:00:00Z`);
  return { from, to: new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)) };
}

const SETTLED_REFUND = new Set(["succeeded", "pending", "requires_action"]);

/** The app's side: payments and invoices paid in the month (by PaymentIntent), refunds and disputes created in it. */
async function appSide(
  database: DB,
  from: string,
  to: string,
): Promise<Record<Kind, Map<string, Entry>>> {
  const [payments, invoices, refunds, disputes] = await Promise.all([
    database
      .selectFrom("payments")
      .select(["stripe_payment_intent_id", "amount", "currency", "status"])
      .where("status", "in", ["paid", "refunded"])
      .where("paid_at", ">=", from)
      .where("paid_at", "<", to)
      .where("stripe_payment_intent_id", "is not", null)
      .execute(),
    database
      .selectFrom("invoices")
      .select(["stripe_payment_intent_id", "amount_paid", "currency", "status"])
      .where("status", "=", "paid")
      .where("paid_at", ">=", from)
      .where("paid_at", "<", to)
      .where("amount_paid", ">", 0)
      .where("stripe_payment_intent_id", "is not", null)
      .execute(),
    database
      .selectFrom("refunds")
      .select(["stripe_refund_id", "amount", "currency", "status"])
      .where("stripe_created_at", ">=", from)
      .where("stripe_created_at", "<", to)
      .execute(),
    database
      .selectFrom("disputes")
      .select(["stripe_dispute_id", "amount", "currency", "status"])
      .where("stripe_created_at", ">=", from)
      .where("stripe_created_at", "<", to)
      .execute(),
  ]);
  const charge = new Map<string, Entry>();
  for (const p of payments)
    charge.set(p.stripe_payment_intent_id!, {
      id: p.stripe_payment_intent_id!,
      amount: p.amount,
      currency: p.currency,
      status: "paid",
    });
  for (const i of invoices)
    charge.set(i.stripe_payment_intent_id!, {
      id: i.stripe_payment_intent_id!,
      amount: i.amount_paid,
      currency: i.currency,
      status: "paid",
    });
  const refund = new Map<string, Entry>();
  for (const r of refunds)
    if (SETTLED_REFUND.has(r.status))
      refund.set(r.stripe_refund_id, {
        id: r.stripe_refund_id,
        amount: r.amount,
        currency: r.currency,
        status: r.status,
      });
  const dispute = new Map<string, Entry>();
  for (const d of disputes)
    dispute.set(d.stripe_dispute_id, {
      id: d.stripe_dispute_id,
      amount: d.amount,
      currency: d.currency,
      status: d.status,
    });
  return { charge, refund, dispute };
}

/** Stripe's side, listed from its API for the period (every page). */
async function stripeSide(stripe: Stripe, from: Date, to: Date) {
  const created = { gte: Math.floor(from.getTime() / 1000), lt: Math.floor(to.getTime() / 1000) };
  const charge = new Map<string, Entry>();
  for await (const c of stripe.charges.list({ created, limit: 100 })) {
    if (!c.paid || c.status !== "succeeded") continue;
    const id = expandableId(c.payment_intent) ?? c.id;
    charge.set(id, { id, amount: c.amount, currency: c.currency, status: "paid" });
  }
  const refund = new Map<string, Entry>();
  for await (const r of stripe.refunds.list({ created, limit: 100 })) {
    if (!SETTLED_REFUND.has(r.status ?? "")) continue;
    refund.set(r.id, { id: r.id, amount: r.amount, currency: r.currency, status: r.status ?? "" });
  }
  const dispute = new Map<string, Entry>();
  for await (const d of stripe.disputes.list({ created, limit: 100 }))
    dispute.set(d.id, { id: d.id, amount: d.amount, currency: d.currency, status: d.status });
  const fees = new Map<string, { fee: number; net: number }>();
  let balanceAvailable = true;
  try {
    for await (const b of stripe.balanceTransactions.list({ created, limit: 100 })) {
      const sum = fees.get(b.currency) ?? { fee: 0, net: 0 };
      sum.fee += b.fee;
      sum.net += b.net;
      fees.set(b.currency, sum);
    }
  } catch {
    balanceAvailable = false;
  }
  return { charge, refund, dispute, fees: balanceAvailable ? fees : null };
}

function compare(kind: Kind, app: Map<string, Entry>, stripe: Map<string, Entry>): Difference[] {
  const out: Difference[] = [];
  for (const [id, s] of stripe) {
    const a = app.get(id);
    if (!a) out.push({ kind, id, reason: "missing in the app", app: null, stripe: s });
    else if (a.currency !== s.currency)
      out.push({ kind, id, reason: "currency differs", app: a, stripe: s });
    else if (a.amount !== s.amount)
      out.push({ kind, id, reason: "amount differs", app: a, stripe: s });
    else if (a.status !== s.status)
      out.push({ kind, id, reason: "status differs", app: a, stripe: s });
  }
  for (const [id, a] of app)
    if (!stripe.has(id)) out.push({ kind, id, reason: "missing at Stripe", app: a, stripe: null });
  return out;
}

function sumByCurrency(entries: Map<string, Entry>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const e of entries.values()) sums.set(e.currency, (sums.get(e.currency) ?? 0) + e.amount);
  return sums;
}

export async function reconcile(
  database: DB,
  stripe: Stripe,
  month: string,
): Promise<Reconciliation> {
  const { from, to } = bounds(month);
  const [app, remote] = await Promise.all([
    appSide(database, from.toISOString(), to.toISOString()),
    stripeSide(stripe, from, to),
  ]);
  const differences = [
    ...compare("charge", app.charge, remote.charge),
    ...compare("refund", app.refund, remote.refund),
    ...compare("dispute", app.dispute, remote.dispute),
  ];
  const sums = {
    appPaid: sumByCurrency(app.charge),
    appRefunded: sumByCurrency(app.refund),
    appDisputed: sumByCurrency(app.dispute),
    charged: sumByCurrency(remote.charge),
    refunded: sumByCurrency(remote.refund),
    disputed: sumByCurrency(remote.dispute),
  };
  const currencies = new Set<string>();
  for (const map of Object.values(sums)) for (const c of map.keys()) currencies.add(c);
  for (const c of remote.fees?.keys() ?? []) currencies.add(c);
  const totals = [...currencies].sort().map((currency) => ({
    currency,
    app: {
      paid: sums.appPaid.get(currency) ?? 0,
      refunded: sums.appRefunded.get(currency) ?? 0,
      disputed: sums.appDisputed.get(currency) ?? 0,
    },
    stripe: {
      charged: sums.charged.get(currency) ?? 0,
      refunded: sums.refunded.get(currency) ?? 0,
      disputed: sums.disputed.get(currency) ?? 0,
      fees: remote.fees ? (remote.fees.get(currency)?.fee ?? 0) : null,
      net: remote.fees ? (remote.fees.get(currency)?.net ?? 0) : null,
    },
  }));
  return {
    month,
    totals,
    differences,
    counts: {
      app: { charge: app.charge.size, refund: app.refund.size, dispute: app.dispute.size },
      stripe: {
        charge: remote.charge.size,
        refund: remote.refund.size,
        dispute: remote.dispute.size,
      },
    },
  };
}
