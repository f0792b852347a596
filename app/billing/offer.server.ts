import type { Role } from "../../db/schema";
import { env } from "../lib/env.server";
import { recurringPlan } from "../payments/catalog";
import { planForRole } from "../payments/pricing";

export interface MembershipOffer {
  /** the year paid once, in minor units */
  once: { amount: number; currency: string };
  monthly: { amount: number; currency: string; interval: "month" };
  yearly: { amount: number; currency: string; interval: "year" };
  /** days free on a first subscription, 0 for none */
  trialDays: number;
}

/**
 * What a role's membership costs, from the catalog and TRIAL_DAYS: amounts, not words, so the
 * paywall and the home page write them in the reader's language.
 */
export function membershipOffer(role: Role): MembershipOffer {
  const currency = env().pricingCurrency;
  const once = planForRole(role, currency);
  const monthly = recurringPlan(role, "monthly", currency);
  const yearly = recurringPlan(role, "yearly", currency);
  return {
    once: { amount: once.amount, currency: once.currency },
    monthly: { amount: monthly.amount, currency: monthly.currency, interval: "month" },
    yearly: { amount: yearly.amount, currency: yearly.currency, interval: "year" },
    trialDays: env().billing.trialDays,
  };
}
