import type { Words } from "../i18n/words.server";
import type {
  CompanyDetails,
  HistoryEntry,
  HistoryKind,
  HistoryStatus,
  MemberAction,
  MemberState,
  MemberView,
  Tone,
} from "./member-view";

// The member view (member-view.ts) in words, the same on every page: what the dashboard, the
// billing page and the payment page show of the member's state, in the reader's language
// (the billing namespace's catalogs).

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
  /** the invoice number, or "Receipt" in the reader's language; null when there is nothing to open */
  reference: { label: string; href: string | null } | null;
  pdfHref: string | null;
  /** the receipt, beside the invoice of a one-time payment */
  receiptHref: string | null;
}

/** The company's details as its invoices print them, for the billing page. */
export interface CompanyWords {
  name: string | null;
  /** "ICE" for Morocco's ma_vat, else Stripe's type; the value as typed at Checkout */
  taxId: { label: string; value: string } | null;
  /** the address's lines, the country in the reader's language */
  address: string[];
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
  company: CompanyWords | null;
}

/** "30,00 MAD par mois": a recurring price in the reader's language. */
export function recurringPrice(
  w: Words,
  price: { amount: number; currency: string; interval: "month" | "year" },
): string {
  return price.interval === "month"
    ? w.t("billing:price.month", { amount: w.money(price) })
    : w.t("billing:price.year", { amount: w.money(price) });
}

function statusLine(w: Words, view: MemberView): string {
  const { t } = w;
  const date = w.date(view.until);
  switch (view.state) {
    case "new":
      return t("billing:status.new");
    case "paid_once":
      return t("billing:status.paidOnce", { date });
    case "trialing":
      return t("billing:status.trialing", { date });
    case "active":
      return t("billing:status.active", { date });
    case "past_due":
      return t("billing:status.pastDue");
    case "incomplete":
      return t("billing:status.incomplete");
    case "cancelling":
      return t("billing:status.cancelling", { date });
    case "cancelled":
      return view.until ? t("billing:status.cancelledOn", { date }) : t("billing:status.cancelled");
    case "expired":
      return view.until ? t("billing:status.expiredOn", { date }) : t("billing:status.expired");
    case "refunded":
      return t("billing:status.refunded");
    case "suspended":
      return t("billing:status.suspended");
  }
}

function warning(w: Words, view: MemberView): string | null {
  const { t } = w;
  const warn = view.warning;
  if (warn?.kind === "payment_failed") {
    return [
      t("billing:warning.paymentFailed"),
      warn.retryOn ? t("billing:warning.retryOn", { date: w.date(warn.retryOn) }) : null,
      warn.accessStopsOn
        ? t("billing:warning.accessStops", { date: w.date(warn.accessStopsOn) })
        : null,
      t("billing:warning.updateCard"),
    ]
      .filter(Boolean)
      .join(" ");
  }
  if (warn?.kind === "incomplete") return t("billing:warning.incomplete");
  if (view.state === "suspended") return t("billing:warning.suspended");
  if (view.state === "cancelling")
    return t("billing:warning.cancelling", { date: w.date(view.until) });
  return null;
}

function action(w: Words, a: MemberAction | null): ActionWords | null {
  if (!a) return null;
  const { t } = w;
  const link = (label: string): ActionWords => ({
    kind: a.kind,
    label,
    href: a.href,
    method: "get",
    intent: null,
  });
  switch (a.kind) {
    case "choose_plan":
      return link(t("billing:action.choosePlan"));
    case "renew":
      return link(t("billing:action.renew", { amount: w.money(a.price) }));
    case "subscribe_again":
      return link(t("billing:action.subscribeAgain"));
    case "update_card":
      return { ...link(t("billing:action.updateCard")), method: "post", intent: "update_card" };
    case "pay_invoice":
      return link(t("billing:action.payInvoice", { amount: w.money(a.price) }));
    case "manage_billing":
      return { ...link(t("billing:action.manageBilling")), method: "post", intent: "manage" };
    case "view_billing":
      return link(t("billing:action.viewBilling"));
  }
}

// Each kind and status as a catalog key, written out so the catalog test sees them.
const KIND_WORDS: Record<HistoryKind, string> = {
  paid_once: "billing:history.kind.paidOnce",
  started: "billing:history.kind.started",
  renewal: "billing:history.kind.renewal",
  plan_change: "billing:history.kind.planChange",
  invoice: "billing:history.kind.invoice",
};

const STATUS_WORDS: Record<HistoryStatus, string> = {
  paid: "billing:history.status.paid",
  due: "billing:history.status.due",
  failed: "billing:history.status.failed",
  refunded: "billing:history.status.refunded",
  unpaid: "billing:history.status.unpaid",
};

export function chargeWords(w: Words, entry: HistoryEntry): ChargeWords {
  const { t } = w;
  return {
    key: entry.key,
    date: w.date(entry.at),
    description: t("billing:history.description", {
      plan: entry.planId ? w.plan(entry.planId, entry.planName) : t("billing:history.invoice"),
      kind: t(KIND_WORDS[entry.kind]),
    }),
    amount: w.money(entry.amount),
    status: entry.status,
    statusLabel: t(STATUS_WORDS[entry.status]),
    reference:
      entry.number !== null
        ? { label: entry.number, href: entry.href }
        : entry.href
          ? { label: t("billing:history.receipt"), href: entry.href }
          : null,
    pdfHref: entry.pdfHref,
    receiptHref: entry.receiptHref,
  };
}

const TAX_ID_LABELS: Record<string, string> = {
  ma_vat: "billing:company.taxIdTypes.ma_vat",
  eu_vat: "billing:company.taxIdTypes.eu_vat",
};

function countryName(language: string, code: string): string {
  try {
    return new Intl.DisplayNames([language], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function companyWords(w: Words, company: CompanyDetails): CompanyWords {
  const a = company.address;
  const cityLine = a ? [a.postal_code, a.city].filter(Boolean).join(" ") : "";
  return {
    name: company.name,
    taxId: company.taxId
      ? {
          label: TAX_ID_LABELS[company.taxId.type]
            ? w.t(TAX_ID_LABELS[company.taxId.type]!)
            : company.taxId.type,
          value: company.taxId.value,
        }
      : null,
    address: a
      ? [
          a.line1,
          a.line2,
          cityLine,
          a.state,
          a.country ? countryName(w.language, a.country) : null,
        ].filter((line): line is string => Boolean(line))
      : [],
  };
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

export function memberSummary(w: Words, view: MemberView): MemberSummary {
  const { t } = w;
  const plan = view.plan;
  return {
    state: view.state,
    tone: view.tone,
    statusLine: statusLine(w, view),
    planName: plan ? w.plan(plan.id, plan.name) : null,
    price: plan
      ? plan.interval
        ? recurringPrice(w, { ...plan.price, interval: plan.interval })
        : t("billing:summary.paidOncePrice", { amount: w.money(plan.price) })
      : null,
    nextCharge: view.nextCharge
      ? t("billing:summary.nextCharge", {
          amount: w.money(view.nextCharge),
          date: w.date(view.nextCharge.on),
        })
      : view.state === "paid_once"
        ? t("billing:summary.noNextCharge")
        : null,
    warning: warning(w, view),
    note:
      view.state === "paid_once"
        ? view.renewableFrom
          ? t("billing:summary.renewFrom", { date: w.date(view.renewableFrom) })
          : t("billing:summary.renewNow", { date: w.date(view.until) })
        : null,
    primary: action(w, view.primaryAction),
    secondary: action(w, view.secondaryAction),
    card: view.card
      ? t("billing:summary.card", { brand: capitalise(view.card.brand), last4: view.card.last4 })
      : null,
    canManageBilling: view.canManageBilling,
    subscribed: view.subscribed,
    history: view.history.map((entry) => chargeWords(w, entry)),
    company: view.company ? companyWords(w, view.company) : null,
  };
}
