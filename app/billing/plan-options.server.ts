import type { Kysely } from "kysely";
import type { Database, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { recurringPlan, recurringPriceLabel, type PlanChoice } from "../payments/catalog";
import { formatMoney, planForRole } from "../payments/pricing";
import { trialDaysFor } from "./subscription-checkout.server";

export interface PlanOption {
  choice: PlanChoice;
  /** the radio's accessible label: contains "paid once", "Monthly" or "Yearly" */
  label: string;
  price: string;
  /** what happens next, in words: "180 days free, then 30 MAD a month" */
  next: string;
  /** the submit button's words when this option is chosen */
  submitLabel: string;
}

/** The three plans of the member's role as the payment page offers them, prices from the catalog. */
export async function planOptions(db: Kysely<Database>, user: User): Promise<PlanOption[]> {
  const currency = env().pricingCurrency;
  const once = planForRole(user.role, currency);
  const trialDays = await trialDaysFor(db, user.id);
  const onceOption: PlanOption = {
    choice: "once",
    label: "Annual, paid once",
    price: `${formatMoney(once.amount, once.currency)} for one year`,
    next: `You pay ${formatMoney(once.amount, once.currency)} once for a year of access; it does not renew by itself.`,
    submitLabel: `Pay ${formatMoney(once.amount, once.currency)}`,
  };
  const recurring = (["monthly", "yearly"] as const).map((choice): PlanOption => {
    const plan = recurringPlan(user.role, choice, currency);
    const price = recurringPriceLabel(plan);
    return {
      choice,
      label:
        choice === "monthly" ? "Monthly, renews automatically" : "Yearly, renews automatically",
      price,
      next:
        trialDays > 0
          ? `${trialDays} days free, then ${price}. Cancel any time.`
          : `${price}, renewing until you cancel.`,
      submitLabel: trialDays > 0 ? "Start free trial" : "Subscribe",
    };
  });
  return [onceOption, ...recurring];
}
