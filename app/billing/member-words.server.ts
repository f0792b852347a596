import { recurringPriceLabel } from "../payments/catalog";
import { formatDate, formatMoney } from "../lib/format";
import type {
  HistoryEntry,
  HistoryKind,
  HistoryStatus,
  MemberAction,
  MemberState,
  MemberView,
  Money,
  Tone,
} from "./member-view";

// The member view (member-view.ts) in words, the same on every page: what the dashboard, the
// billing page and the payment page show of the member's state.

export interface ActionWords {
  kind: MemberAction["kind"];
  label: string;
  href: string;
  /** post: a form to the billing page with this intent (the portal); get: a link */
  method: "get" | "post";
  intent: "manage" | "update_card" | null;
}

export interface ChargeWords {
  key: string;
  date: string;
  description: string;
  amount: string;
  status: HistoryStatus;
  statusLabel: string;
  /** the invoice number, or "Receipt"; null when there is nothing to open */
  reference: { label: string; href: string | null } | null;
  pdfHref: string | null;
}

export interface MemberSummary {
  state: MemberState;
  tone: Tone;
  statusLine: string;
  planName: string | null;
  price: string | null;
  nextCharge: string | null;
  warning: string | null;
  /** a line of information that is not a warning (when renewal opens) */
  note: string | null;
  primary: ActionWords | null;
  secondary: ActionWords | null;
  card: string | null;
  canManageBilling: boolean;
  subscribed: boolean;
  history: ChargeWords[];
}

const money = (m: Money) => formatMoney(m.amount, m.currency);
const on = (iso: string | null) => (iso ? formatDate(iso) : "-");

function statusLine(view: MemberView): string {
  switch (view.state) {
    case "new":
      return "No plan yet";
    case "paid_once":
      return `Active until ${on(view.until)}`;
    case "trialing":
      return `Free trial until ${on(view.until)}`;
    case "active":
      return `Active, renews on ${on(view.until)}`;
    case "past_due":
      return "Payment failed";
    case "incomplete":
      return "Waiting for the first payment";
    case "cancelling":
      return `Cancels on ${on(view.until)}`;
    case "cancelled":
      return view.until ? `Cancelled, access ended on ${on(view.until)}` : "Cancelled";
    case "expired":
      return view.until ? `Expired on ${on(view.until)}` : "Expired";
    case "refunded":
      return "Refunded, no access";
    case "suspended":
      return "Suspended while a payment is disputed";
  }
}

function warning(view: MemberView): string | null {
  const w = view.warning;
  if (w?.kind === "payment_failed") {
    const retry = w.retryOn ? ` We will try again on ${on(w.retryOn)}.` : "";
    const stops = w.accessStopsOn
      ? ` Your access stops on ${on(w.accessStopsOn)} unless a payment goes through.`
      : "";
    return `Your last payment failed.${retry}${stops} Update your card, or pay the open invoice now.`;
  }
  if (w?.kind === "incomplete")
    return "Your first payment has not gone through yet. Pay the open invoice to start your plan.";
  if (view.state === "suspended")
    return "A payment is disputed with your bank, so your access is on hold until it is settled.";
  if (view.state === "cancelling")
    return `Your plan will not renew. Access continues until ${on(view.until)}; you can resume it from billing before then.`;
  return null;
}

function action(a: MemberAction | null): ActionWords | null {
  if (!a) return null;
  switch (a.kind) {
    case "choose_plan":
      return { kind: a.kind, label: "Choose a plan", href: a.href, method: "get", intent: null };
    case "renew":
      return {
        kind: a.kind,
        label: `Renew for ${money(a.price)}`,
        href: a.href,
        method: "get",
        intent: null,
      };
    case "subscribe_again":
      return { kind: a.kind, label: "Subscribe again", href: a.href, method: "get", intent: null };
    case "update_card":
      return {
        kind: a.kind,
        label: "Update your card",
        href: a.href,
        method: "post",
        intent: "update_card",
      };
    case "pay_invoice":
      return {
        kind: a.kind,
        label: `Pay the open invoice (${money(a.price)})`,
        href: a.href,
        method: "get",
        intent: null,
      };
    case "manage_billing":
      return {
        kind: a.kind,
        label: "Manage billing",
        href: a.href,
        method: "post",
        intent: "manage",
      };
    case "view_billing":
      return {
        kind: a.kind,
        label: "Billing and receipts",
        href: a.href,
        method: "get",
        intent: null,
      };
  }
}

const KIND_WORDS: Record<HistoryKind, string> = {
  paid_once: "paid once",
  started: "first payment",
  renewal: "renewal",
  plan_change: "plan change",
  invoice: "invoice",
};

const STATUS_WORDS: Record<HistoryStatus, string> = {
  paid: "Paid",
  due: "Due",
  failed: "Failed",
  refunded: "Refunded",
  unpaid: "Unpaid",
};

export function chargeWords(entry: HistoryEntry): ChargeWords {
  return {
    key: entry.key,
    date: formatDate(entry.at),
    description: `${entry.planName}, ${KIND_WORDS[entry.kind]}`,
    amount: money(entry.amount),
    status: entry.status,
    statusLabel: STATUS_WORDS[entry.status],
    reference:
      entry.number !== null
        ? { label: entry.number, href: entry.href }
        : entry.href
          ? { label: "Receipt", href: entry.href }
          : null,
    pdfHref: entry.pdfHref,
  };
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

export function memberSummary(view: MemberView): MemberSummary {
  const plan = view.plan;
  return {
    state: view.state,
    tone: view.tone,
    statusLine: statusLine(view),
    planName: plan?.name ?? null,
    price: plan
      ? plan.interval
        ? recurringPriceLabel({ ...plan.price, interval: plan.interval })
        : `${money(plan.price)}, paid once for a year`
      : null,
    nextCharge: view.nextCharge
      ? `${money(view.nextCharge)} on ${on(view.nextCharge.on)}`
      : view.state === "paid_once"
        ? "None: this plan does not renew by itself"
        : null,
    warning: warning(view),
    note:
      view.state === "paid_once"
        ? view.renewableFrom
          ? `You can renew from ${on(view.renewableFrom)}, 30 days before your access ends.`
          : `Your access ends on ${on(view.until)}: renew now to add a year after that date.`
        : null,
    primary: action(view.primaryAction),
    secondary: action(view.secondaryAction),
    card: view.card ? `${capitalise(view.card.brand)} ending in ${view.card.last4}` : null,
    canManageBilling: view.canManageBilling,
    subscribed: view.subscribed,
    history: view.history.map(chargeWords),
  };
}
