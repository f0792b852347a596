import type { Role, SubscriptionStatus } from "../../db/schema";
import { canPay, effectiveStatus, RENEWAL_WINDOW_DAYS } from "../access/period";
import { planById, recurringCatalog } from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { parseBillingAddress, type BillingAddress } from "../payments/billing-address";

// The member's billing state, decided in one place (decision 0021): the dashboard, the billing
// page, the payment page and the billing emails all read the state, the next charge, the warning
// and the primary action from here. A pure function over the rows the loaders read and `now`;
// words live in member-words.server.ts, so every page says the same thing.

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long Stripe retries a failed subscription payment before it ends the subscription (the
 * retry schedule in Stripe's billing settings; the stand-in retries 3, 5 and 7 days apart).
 * Access stops when the last retry fails: this many days after the invoice's first attempt.
 */
export const PAYMENT_RETRY_WINDOW_DAYS = 15;

export type MemberState =
  | "new"
  | "paid_once"
  | "trialing"
  | "active"
  | "past_due"
  | "incomplete"
  | "cancelling"
  | "cancelled"
  | "expired"
  /** the one-time payment that gave access was refunded and nothing else grants access */
  | "refunded"
  /** access held back while a payment is disputed (facts.suspendedSince) */
  | "suspended";

export type Tone = "ok" | "warn" | "bad" | "none";

/** The subscriptions row as far as the view needs it (db/schema SubscriptionsTable). */
export interface SubscriptionFacts {
  stripe_subscription_id: string;
  plan: string;
  interval: string;
  amount: number;
  currency: string;
  status: string;
  current_period_end: string | null;
  trial_end: string | null;
  cancel_at_period_end: number;
  cancel_at: string | null;
  canceled_at: string | null;
  ended_at: string | null;
  cancellation_reason: string | null;
  card_brand: string | null;
  card_last4: string | null;
  stripe_created_at: string;
}

/** The invoices row as far as the view needs it. */
export interface InvoiceFacts {
  stripe_invoice_id: string;
  stripe_subscription_id: string | null;
  number: string | null;
  status: string | null;
  amount_due: number;
  amount_paid: number;
  currency: string;
  billing_reason: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  paid_at: string | null;
  next_payment_attempt?: string | null;
  stripe_created_at: string;
}

/** A payments row (one-time Checkout payments; subscription checkouts are left out). */
export interface PaymentFacts {
  id: number;
  plan: string;
  amount: number;
  currency: string;
  /** pending, paid, failed, expired, canceled, and refunded once refunds are recorded */
  status: string;
  stripe_invoice_id: string | null;
  stripe_payment_intent_id: string | null;
  access_ends_at: string | null;
  paid_at: string | null;
  created_at: string;
  card_brand?: string | null;
  card_last4?: string | null;
  /** the invoice Stripe made for a one-time payment (invoice_creation), kept on the row */
  invoice_number?: string | null;
  invoice_url?: string | null;
  invoice_pdf?: string | null;
  /** the buyer as given at Checkout: company (or payer) name, tax id, address (JSON) */
  billing_name?: string | null;
  billing_tax_id_type?: string | null;
  billing_tax_id?: string | null;
  billing_address?: string | null;
}

export interface MemberFacts {
  role: Role;
  /** users.subscription_status and access_expires_at */
  access: { subscription_status: SubscriptionStatus; access_expires_at: string | null };
  /** the member's subscriptions, any order */
  subscriptions: readonly SubscriptionFacts[];
  invoices: readonly InvoiceFacts[];
  payments: readonly PaymentFacts[];
  /**
   * When access was suspended (a disputed payment), else null or absent: the extension point
   * for the dispute state, fed by the loader once the column exists.
   */
  suspendedSince?: string | null;
  /** the currency the annual plan is sold in (PRICING_CURRENCY) */
  currency: string;
  now: Date;
}

export interface Money {
  /** minor units */
  amount: number;
  currency: string;
}

export type MemberAction =
  /** the payment page, to choose a first plan */
  | { kind: "choose_plan"; href: string }
  /** the payment page, to pay the annual plan once more (amount shown on the button) */
  | { kind: "renew"; href: string; price: Money }
  /** the payment page after a cancelled subscription */
  | { kind: "subscribe_again"; href: string }
  /** POST to the billing page: the customer portal opened on updating the card */
  | { kind: "update_card"; href: string }
  /** the open invoice's hosted page, through the app's invoice route */
  | { kind: "pay_invoice"; href: string; price: Money }
  /** POST to the billing page: the customer portal */
  | { kind: "manage_billing"; href: string }
  /** the billing page (no payment to make now) */
  | { kind: "view_billing"; href: string };

export type HistoryKind = "paid_once" | "started" | "renewal" | "plan_change" | "invoice";
export type HistoryStatus = "paid" | "due" | "failed" | "refunded" | "unpaid";

export interface HistoryEntry {
  key: string;
  /** ISO time of the charge (paid, else created) */
  at: string;
  /** the plan's id, for its name in the reader's language; null for an invoice of no plan */
  planId: string | null;
  planName: string;
  kind: HistoryKind;
  amount: Money;
  status: HistoryStatus;
  /** what a member can quote: the invoice number, or null for a receipt */
  number: string | null;
  /** the app's link to the invoice page or the receipt (they check the row is the member's) */
  href: string | null;
  pdfHref: string | null;
  /** the charge's receipt, when `href` is the invoice (a one-time payment with both) */
  receiptHref: string | null;
}

/** The company a Professional or Company gave at its last one-time Checkout. */
export interface CompanyDetails {
  name: string | null;
  /** Stripe's type (ma_vat for Morocco's ICE) and the value typed */
  taxId: { type: string; value: string } | null;
  address: BillingAddress | null;
}

export interface MemberView {
  state: MemberState;
  tone: Tone;
  /** the plan the state is about */
  plan: { id: string; name: string; price: Money; interval: "month" | "year" | null } | null;
  /** trial end, renewal, cancellation or paid-year end; when access ended for ended states */
  until: string | null;
  nextCharge: (Money & { on: string }) | null;
  warning:
    | { kind: "payment_failed"; retryOn: string | null; accessStopsOn: string | null }
    | { kind: "incomplete" }
    | null;
  primaryAction: MemberAction | null;
  secondaryAction: MemberAction | null;
  /** when the annual plan can next be paid (paid_once, outside the renewal window) */
  renewableFrom: string | null;
  /** a running subscription: the payment page offers nothing new */
  subscribed: boolean;
  /** a Stripe subscription exists, so the customer portal has something to show */
  canManageBilling: boolean;
  card: { brand: string; last4: string } | null;
  history: HistoryEntry[];
  /** Professionals and Companies: the details on their invoices; null for talents and none given */
  company: CompanyDetails | null;
}

const RUNNING = new Set(["trialing", "active", "past_due", "unpaid", "incomplete", "paused"]);

function byNewest<T>(rows: readonly T[], at: (row: T) => string): T[] {
  return [...rows].sort((a, b) => Date.parse(at(b)) - Date.parse(at(a)));
}

function planNameOf(planId: string, currency: string): string {
  return planById(planId, currency)?.name ?? planId;
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

const REASON_KIND: Record<string, HistoryKind> = {
  subscription_create: "started",
  subscription_cycle: "renewal",
  subscription_update: "plan_change",
};

const INVOICE_STATUS: Record<string, HistoryStatus> = {
  paid: "paid",
  open: "due",
  uncollectible: "unpaid",
};

const PAYMENT_STATUS: Record<string, HistoryStatus> = {
  paid: "paid",
  failed: "failed",
  refunded: "refunded",
};

function paymentsPath(role: Role): string {
  return `/dashboard/${role}/payment`;
}
function billingPath(role: Role): string {
  return `/dashboard/${role}/billing`;
}
export function invoicePath(role: Role, invoiceId: string, pdf = false): string {
  return `${billingPath(role)}/invoices/${invoiceId}${pdf ? "?format=pdf" : ""}`;
}
export function receiptPath(role: Role, paymentId: number): string {
  return `${billingPath(role)}/receipts/${paymentId}`;
}

/**
 * Every charge, newest first: subscription invoices that asked for money (a trial's 0 invoice,
 * drafts and voided ones are not charges) and one-time payments that were paid, failed or
 * refunded (abandoned checkouts are not charges). A one-time payment that has its own invoice
 * row is listed once, as that invoice.
 */
export function chargeHistory(
  role: Role,
  subscriptions: readonly SubscriptionFacts[],
  invoices: readonly InvoiceFacts[],
  payments: readonly PaymentFacts[],
): HistoryEntry[] {
  const recurringIds = new Set(recurringCatalog("mad").map((p) => p.id));
  const invoiceIds = new Set(invoices.map((i) => i.stripe_invoice_id));
  const entries: HistoryEntry[] = [];
  for (const i of invoices) {
    const status = INVOICE_STATUS[i.status ?? ""];
    if (!status || (i.amount_due === 0 && i.amount_paid === 0)) continue;
    const subscription = subscriptions.find(
      (s) => s.stripe_subscription_id === i.stripe_subscription_id,
    );
    const oneTime = payments.find((p) => p.stripe_invoice_id === i.stripe_invoice_id);
    entries.push({
      key: i.stripe_invoice_id,
      at: i.paid_at ?? i.stripe_created_at,
      planId: subscription?.plan ?? oneTime?.plan ?? null,
      planName: subscription
        ? planNameOf(subscription.plan, subscription.currency)
        : oneTime
          ? planNameOf(oneTime.plan, oneTime.currency)
          : "Invoice",
      kind: oneTime ? "paid_once" : (REASON_KIND[i.billing_reason ?? ""] ?? "invoice"),
      amount: { amount: status === "paid" ? i.amount_paid : i.amount_due, currency: i.currency },
      status: oneTime?.status === "refunded" ? "refunded" : status,
      number: i.number,
      href: i.hosted_invoice_url ? invoicePath(role, i.stripe_invoice_id) : null,
      pdfHref: i.invoice_pdf ? invoicePath(role, i.stripe_invoice_id, true) : null,
      receiptHref: null,
    });
  }
  for (const p of payments) {
    const status = PAYMENT_STATUS[p.status];
    if (!status || recurringIds.has(p.plan)) continue;
    if (p.stripe_invoice_id && invoiceIds.has(p.stripe_invoice_id)) continue;
    const receipt =
      p.stripe_payment_intent_id && status !== "failed" ? receiptPath(role, p.id) : null;
    // The invoice of a one-time payment (invoice_creation): its number, page and PDF.
    const invoiceId = p.stripe_invoice_id && p.invoice_url ? p.stripe_invoice_id : null;
    entries.push({
      key: `payment-${p.id}`,
      at: p.paid_at ?? p.created_at,
      planId: p.plan,
      planName: planNameOf(p.plan, p.currency),
      kind: "paid_once",
      amount: { amount: p.amount, currency: p.currency },
      status,
      number: invoiceId ? (p.invoice_number ?? null) : null,
      href: invoiceId ? invoicePath(role, invoiceId) : receipt,
      pdfHref: invoiceId && p.invoice_pdf ? invoicePath(role, invoiceId, true) : null,
      receiptHref: invoiceId ? receipt : null,
    });
  }
  return byNewest(entries, (e) => e.at);
}

/** The details of the newest one-time payment that has any (what its invoice printed). */
function companyOf(payments: readonly PaymentFacts[]): CompanyDetails | null {
  for (const p of payments) {
    const taxId =
      p.billing_tax_id && p.billing_tax_id_type
        ? { type: p.billing_tax_id_type, value: p.billing_tax_id }
        : null;
    const address = parseBillingAddress(p.billing_address ?? null);
    if (p.billing_name || taxId || address) return { name: p.billing_name ?? null, taxId, address };
  }
  return null;
}

function subscriptionPlan(s: SubscriptionFacts): MemberView["plan"] {
  return {
    id: s.plan,
    name: planNameOf(s.plan, s.currency),
    price: { amount: s.amount, currency: s.currency },
    interval: s.interval === "month" || s.interval === "year" ? s.interval : null,
  };
}

/** The member's state and what to offer, for every page and email. */
export function memberView(facts: MemberFacts): MemberView {
  const { role, now } = facts;
  const subscriptions = byNewest(facts.subscriptions, (s) => s.stripe_created_at);
  const invoices = byNewest(facts.invoices, (i) => i.stripe_created_at);
  const history = chargeHistory(role, subscriptions, invoices, facts.payments);
  const running = subscriptions.find((s) => RUNNING.has(s.status));
  const current = running ?? subscriptions[0];
  const status = effectiveStatus(facts.access, now);
  const manage: MemberAction = { kind: "manage_billing", href: billingPath(role) };
  const canManageBilling = subscriptions.length > 0;

  const oneTime = byNewest(
    facts.payments.filter(
      (p) => (p.status === "paid" || p.status === "refunded") && p.access_ends_at !== null,
    ),
    (p) => p.paid_at ?? p.created_at,
  );
  const lastPaidOnce = oneTime.find((p) => p.status === "paid");
  const cardOf = (s: SubscriptionFacts | undefined) =>
    s?.card_last4 ? { brand: s.card_brand ?? "card", last4: s.card_last4 } : null;
  const onceCard =
    lastPaidOnce?.card_last4 != null
      ? { brand: lastPaidOnce.card_brand ?? "card", last4: lastPaidOnce.card_last4 }
      : null;

  const base = {
    subscribed: running !== undefined,
    canManageBilling,
    history,
    company: role === "talent" ? null : companyOf(oneTime),
    renewableFrom: null,
    secondaryAction: null,
    warning: null,
    nextCharge: null,
  } satisfies Partial<MemberView>;

  if (facts.suspendedSince) {
    return {
      ...base,
      state: "suspended",
      tone: "bad",
      plan: current ? subscriptionPlan(current) : null,
      until: facts.suspendedSince,
      primaryAction: { kind: "view_billing", href: billingPath(role) },
      card: cardOf(current) ?? onceCard,
    };
  }

  if (running) {
    const plan = subscriptionPlan(running);
    const price = plan?.price ?? { amount: running.amount, currency: running.currency };
    const card = cardOf(running);
    const cancelling =
      (running.status === "trialing" || running.status === "active") &&
      (running.cancel_at !== null || running.cancel_at_period_end === 1);
    if (cancelling) {
      return {
        ...base,
        state: "cancelling",
        tone: "warn",
        plan,
        until: running.cancel_at ?? running.current_period_end ?? running.trial_end,
        primaryAction: manage,
        card,
      };
    }
    if (running.status === "trialing") {
      const on = running.trial_end ?? running.current_period_end;
      return {
        ...base,
        state: "trialing",
        tone: "ok",
        plan,
        until: on,
        nextCharge: on ? { ...price, on } : null,
        primaryAction: manage,
        card,
      };
    }
    if (running.status === "active") {
      const on = running.current_period_end;
      return {
        ...base,
        state: "active",
        tone: "ok",
        plan,
        until: on,
        nextCharge: on ? { ...price, on } : null,
        primaryAction: manage,
        card,
      };
    }
    const open = invoices.find(
      (i) => i.stripe_subscription_id === running.stripe_subscription_id && i.status === "open",
    );
    const payInvoice: MemberAction | null =
      open && open.hosted_invoice_url
        ? {
            kind: "pay_invoice",
            href: invoicePath(role, open.stripe_invoice_id),
            price: { amount: open.amount_due, currency: open.currency },
          }
        : null;
    if (running.status === "incomplete") {
      return {
        ...base,
        state: "incomplete",
        tone: "warn",
        plan,
        until: null,
        warning: { kind: "incomplete" },
        primaryAction: payInvoice ?? manage,
        card,
      };
    }
    // past_due, unpaid or paused: a payment failed and Stripe retries (or has stopped trying).
    const retryOn = running.status === "past_due" ? (open?.next_payment_attempt ?? null) : null;
    const accessStopsOn =
      running.status === "past_due"
        ? earlier(
            open ? addDays(open.stripe_created_at, PAYMENT_RETRY_WINDOW_DAYS) : null,
            running.current_period_end,
          )
        : null;
    return {
      ...base,
      state: "past_due",
      tone: "bad",
      plan,
      until: accessStopsOn,
      warning: { kind: "payment_failed", retryOn, accessStopsOn },
      primaryAction: { kind: "update_card", href: billingPath(role) },
      secondaryAction: payInvoice,
      card,
    };
  }

  const oncePlan = planForRole(role, facts.currency);
  const onceView = (p: PaymentFacts | undefined): MemberView["plan"] =>
    p
      ? {
          id: p.plan,
          name: planNameOf(p.plan, p.currency),
          price: { amount: p.amount, currency: p.currency },
          interval: null,
        }
      : null;

  if (status === "ACTIVE") {
    const until = facts.access.access_expires_at;
    const payable = canPay(facts.access, now);
    const price = lastPaidOnce
      ? { amount: lastPaidOnce.amount, currency: lastPaidOnce.currency }
      : { amount: oncePlan.amount, currency: oncePlan.currency };
    return {
      ...base,
      state: "paid_once",
      tone: "ok",
      plan: onceView(lastPaidOnce),
      until,
      primaryAction: payable
        ? { kind: "renew", href: paymentsPath(role), price }
        : { kind: "view_billing", href: billingPath(role) },
      renewableFrom: !payable && until ? addDays(until, -RENEWAL_WINDOW_DAYS) : null,
      card: onceCard,
    };
  }

  const latestOnce = oneTime[0];
  const endedSubscription = current && !RUNNING.has(current.status) ? current : undefined;
  const refundedLast =
    latestOnce?.status === "refunded" &&
    (!endedSubscription ||
      Date.parse(latestOnce.paid_at ?? latestOnce.created_at) >
        Date.parse(endedSubscription.stripe_created_at));
  if (refundedLast) {
    return {
      ...base,
      state: "refunded",
      tone: "none",
      plan: onceView(latestOnce),
      until: null,
      primaryAction: { kind: "choose_plan", href: paymentsPath(role) },
      card: null,
    };
  }
  if (status === "CANCELLED") {
    return {
      ...base,
      state: "cancelled",
      tone: "none",
      plan: endedSubscription ? subscriptionPlan(endedSubscription) : onceView(lastPaidOnce),
      until:
        facts.access.access_expires_at ??
        endedSubscription?.ended_at ??
        endedSubscription?.canceled_at ??
        null,
      primaryAction: { kind: "subscribe_again", href: paymentsPath(role) },
      secondaryAction: canManageBilling ? manage : null,
      card: null,
    };
  }
  if (status === "EXPIRED") {
    return {
      ...base,
      state: "expired",
      tone: "warn",
      plan: endedSubscription ? subscriptionPlan(endedSubscription) : onceView(lastPaidOnce),
      until: facts.access.access_expires_at,
      primaryAction: {
        kind: "renew",
        href: paymentsPath(role),
        price: { amount: oncePlan.amount, currency: oncePlan.currency },
      },
      secondaryAction: canManageBilling ? manage : null,
      card: null,
    };
  }
  return {
    ...base,
    state: "new",
    tone: "none",
    plan: null,
    until: null,
    primaryAction: { kind: "choose_plan", href: paymentsPath(role) },
    card: null,
  };
}

/** The dates a subscription email gives, from the same rules as the pages. */
export interface SubscriptionEmailDates {
  /** the next charge: trial end or period end, null when nothing more will be charged */
  nextChargeOn: string | null;
  /** the next retry of a failed payment */
  retryOn: string | null;
  /** when access stops if the card is not fixed */
  accessStopsOn: string | null;
}

export function subscriptionEmailDates(
  subscription: SubscriptionFacts,
  invoices: readonly InvoiceFacts[],
  role: Role,
  now: Date,
): SubscriptionEmailDates {
  const view = memberView({
    role,
    currency: subscription.currency,
    access: { subscription_status: "NONE", access_expires_at: null },
    subscriptions: [subscription],
    invoices,
    payments: [],
    now,
  });
  return {
    nextChargeOn: view.nextCharge?.on ?? null,
    retryOn: view.warning?.kind === "payment_failed" ? view.warning.retryOn : null,
    accessStopsOn: view.warning?.kind === "payment_failed" ? view.warning.accessStopsOn : null,
  };
}
