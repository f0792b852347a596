import type { Role } from "../../db/schema";
import { env } from "../lib/env.server";
import { recurringPlan, recurringPriceLabel } from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { formatMoney } from "../lib/format";

export interface MembershipOffer {
  /** "300 MAD" */
  once: string;
  /** "30 MAD a month" */
  monthly: string;
  /** "300 MAD a year" */
  yearly: string;
  /** days free on a first subscription, 0 for none */
  trialDays: number;
  /** the offer in one sentence, for the paywall and the home page */
  sentence: string;
}

/** What a role's membership costs, in words, from the catalog and TRIAL_DAYS. */
export function membershipOffer(role: Role): MembershipOffer {
  const currency = env().pricingCurrency;
  const oncePlan = planForRole(role, currency);
  const once = formatMoney(oncePlan.amount, oncePlan.currency);
  const monthly = recurringPriceLabel(recurringPlan(role, "monthly", currency));
  const yearly = recurringPriceLabel(recurringPlan(role, "yearly", currency));
  const trialDays = env().billing.trialDays;
  const trial = trialDays > 0 ? `, with the first ${trialDays} days free` : "";
  return {
    once,
    monthly,
    yearly,
    trialDays,
    sentence: `${once} for a year paid once, or a plan that renews: ${monthly} or ${yearly}${trial}.`,
  };
}
