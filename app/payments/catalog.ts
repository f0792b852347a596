import type { Role } from "../../db/schema";
import { planForRole, type Plan } from "./pricing";
import { formatMoney } from "../lib/format";
import { ROLES } from "../lib/roles";

/**
 * The catalog as code: every plan a member can choose. "once" is the annual plan paid once
 * (pricing.ts, unchanged); "monthly" and "yearly" renew by themselves through Stripe Billing.
 * Stripe is made to match this list at boot (app/billing/catalog-sync.server.ts), prices found
 * by lookup_key; amounts shown and charged always come from here.
 */
export const PLAN_CHOICES = ["once", "monthly", "yearly"] as const;
export type PlanChoice = (typeof PLAN_CHOICES)[number];
export type BillingInterval = "month" | "year";

export interface RecurringPlan {
  /** stored in payments.plan and subscriptions.plan, sent to Stripe as metadata */
  id: string;
  role: Role;
  choice: Exclude<PlanChoice, "once">;
  interval: BillingInterval;
  name: string;
  /** minor units of `currency` */
  amount: number;
  /** uppercase ISO 4217 code */
  currency: string;
  /** the Stripe price's lookup_key: role, interval and currency, so a new currency gets new prices */
  lookupKey: string;
  /** the Stripe product of the role's membership, created with this id */
  productId: string;
}

/** Minor units (MAD has two decimals): Talent 30 / 300, Professional 150 / 1500, Company 350 / 3500. */
const RECURRING_AMOUNTS: Record<Role, Record<BillingInterval, number>> = {
  talent: { month: 3000, year: 30000 },
  professional: { month: 15000, year: 150000 },
  company: { month: 35000, year: 350000 },
};

const MEMBERSHIP_NAMES: Record<Role, string> = {
  talent: "Talent membership",
  professional: "Professional access",
  company: "Company access",
};

export function isPlanChoice(value: unknown): value is PlanChoice {
  return typeof value === "string" && (PLAN_CHOICES as readonly string[]).includes(value);
}

export function membershipProductId(role: Role): string {
  return `talents_acting_${role}_membership`;
}

export function membershipName(role: Role): string {
  return MEMBERSHIP_NAMES[role];
}

export function recurringPlan(
  role: Role,
  choice: Exclude<PlanChoice, "once">,
  currency: string,
): RecurringPlan {
  const interval: BillingInterval = choice === "monthly" ? "month" : "year";
  const code = currency.toUpperCase();
  return {
    id: `${role}_${choice}`,
    role,
    choice,
    interval,
    name: `${MEMBERSHIP_NAMES[role]}, ${choice === "monthly" ? "monthly" : "yearly"}`,
    amount: RECURRING_AMOUNTS[role][interval],
    currency: code,
    lookupKey: `talents_acting_${role}_${choice}_${code.toLowerCase()}`,
    productId: membershipProductId(role),
  };
}

/** Every recurring plan of the catalog, for the boot sync. */
export function recurringCatalog(currency: string): RecurringPlan[] {
  return ROLES.flatMap((role) => [
    recurringPlan(role, "monthly", currency),
    recurringPlan(role, "yearly", currency),
  ]);
}

/** The plan a stored plan id names, in the given currency; undefined for an unknown id. */
export function planById(planId: string, currency: string): Plan | RecurringPlan | undefined {
  for (const role of ROLES) {
    const once = planForRole(role, currency);
    if (once.id === planId) return once;
    for (const choice of ["monthly", "yearly"] as const) {
      const plan = recurringPlan(role, choice, currency);
      if (plan.id === planId) return plan;
    }
  }
  return undefined;
}

/** "30 MAD a month", "300 MAD a year" */
export function recurringPriceLabel(
  plan: Pick<RecurringPlan, "amount" | "currency" | "interval">,
): string {
  return `${formatMoney(plan.amount, plan.currency)} a ${plan.interval}`;
}
