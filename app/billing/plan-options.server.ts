import type { DB, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { nextAccessPeriod } from "../access/period";
import { formatDate, formatMoney } from "../lib/format";
import {
  membershipName,
  recurringPlan,
  recurringPriceLabel,
  type PlanChoice,
} from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { trialDaysFor } from "./subscription-checkout.server";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PlanOption {
  choice: PlanChoice;
  /** the radio's accessible label: contains "paid once", "Monthly" or "Yearly" */
  label: string;
  /** the page's heading while this plan is chosen */
  heading: string;
  price: string;
  /** what happens next, in words: "180 days free, then 30 MAD a month" */
  next: string;
  /** what is paid today: "300 MAD", or "Nothing" during a free trial */
  today: string;
  /** the first charge and its date when it is not today: "30 MAD on 4 June 2027" */
  firstCharge: string | null;
  /** the card's points, in order */
  points: string[];
  /** a short tag on the card ("Save 60 MAD"), or null */
  tag: string | null;
  /** the submit button's words when this option is chosen */
  submitLabel: string;
}

/**
 * The three plans of the member's role as the payment page offers them: prices from the
 * catalog, dates from `now` (the trial's end, the paid year's end), the yearly saving against
 * twelve months, and why the paid-once plan exists beside the yearly one.
 */
export async function planOptions(db: DB, user: User, now: Date): Promise<PlanOption[]> {
  const currency = env().pricingCurrency;
  const once = planForRole(user.role, currency);
  const trialDays = await trialDaysFor(db, user.id);
  const oncePrice = formatMoney(once.amount, once.currency);
  const yearEnds = formatDate(nextAccessPeriod(user, now).endsAt);
  const trialEnds = formatDate(new Date(now.getTime() + trialDays * DAY_MS));
  const monthly = recurringPlan(user.role, "monthly", currency);
  const yearly = recurringPlan(user.role, "yearly", currency);
  const saving = monthly.amount * 12 - yearly.amount;

  const onceOption: PlanOption = {
    choice: "once",
    label: "Annual, paid once",
    heading: `${once.name}, paid once`,
    price: `${oncePrice} for one year`,
    next: `You pay ${oncePrice} once for a year of access; it does not renew by itself.`,
    today: oncePrice,
    firstCharge: null,
    points: [
      `Pay ${oncePrice} today, access until ${yearEnds}.`,
      "No card is kept and nothing renews: pay again only if you want another year.",
    ],
    tag: "No renewal",
    submitLabel: `Pay ${oncePrice}`,
  };
  const recurring = [monthly, yearly].map((plan): PlanOption => {
    const price = recurringPriceLabel(plan);
    const amount = formatMoney(plan.amount, plan.currency);
    const every = plan.interval === "month" ? "every month" : "every year";
    const trial = trialDays > 0;
    return {
      choice: plan.choice,
      label:
        plan.choice === "monthly"
          ? "Monthly, renews automatically"
          : "Yearly, renews automatically",
      heading: `${membershipName(user.role)}, ${plan.choice}`,
      price,
      next: trial
        ? `${trialDays} days free, then ${price}. Cancel any time.`
        : `${price}, renewing until you cancel.`,
      today: trial ? "Nothing" : amount,
      firstCharge: trial ? `${amount} on ${trialEnds}` : null,
      points: [
        trial
          ? `${trialDays} days free: nothing to pay today, first charge ${amount} on ${trialEnds}.`
          : `Pay ${amount} today.`,
        `Then ${amount} ${every} until you cancel; cancel any time from your billing page.`,
        ...(plan.interval === "year" && saving > 0
          ? [`Saves ${formatMoney(saving, plan.currency)} a year against paying monthly.`]
          : []),
      ],
      tag:
        plan.interval === "year" && saving > 0
          ? `Save ${formatMoney(saving, plan.currency)}`
          : trial
            ? `${trialDays} days free`
            : null,
      submitLabel: trial ? "Start free trial" : `Pay ${amount} and subscribe`,
    };
  });
  return [onceOption, ...recurring];
}
