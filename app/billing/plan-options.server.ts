import type { DB, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { nextAccessPeriod } from "../access/period";
import type { Words } from "../i18n/words.server";
import { recurringPlan, type PlanChoice } from "../payments/catalog";
import { planForRole } from "../payments/pricing";
import { recurringPrice } from "./member-words.server";
import { trialDaysFor } from "./subscription-checkout.server";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A heading starts with a capital: French plan names are written for the middle of a sentence. */
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

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
export async function planOptions(db: DB, user: User, now: Date, w: Words): Promise<PlanOption[]> {
  const { t } = w;
  const currency = env().pricingCurrency;
  const once = planForRole(user.role, currency);
  const trialDays = await trialDaysFor(db, user.id);
  const oncePrice = w.money(once);
  const yearEnds = w.date(nextAccessPeriod(user, now).endsAt);
  const trialEnds = w.date(new Date(now.getTime() + trialDays * DAY_MS));
  const monthly = recurringPlan(user.role, "monthly", currency);
  const yearly = recurringPlan(user.role, "yearly", currency);
  const saving = w.money({ amount: monthly.amount * 12 - yearly.amount, currency });
  const saves = monthly.amount * 12 - yearly.amount > 0;

  const onceOption: PlanOption = {
    choice: "once",
    label: t("payment:options.once.label"),
    heading: upperFirst(t("payment:options.once.heading", { plan: w.plan(once.id, once.name) })),
    price: t("payment:options.once.price", { amount: oncePrice }),
    next: t("payment:options.once.next", { amount: oncePrice }),
    today: oncePrice,
    firstCharge: null,
    points: [
      t("payment:options.once.pointPay", { amount: oncePrice, date: yearEnds }),
      t("payment:options.once.pointNoCard"),
    ],
    tag: t("payment:options.once.tag"),
    submitLabel: t("payment:options.once.submit", { amount: oncePrice }),
  };
  const recurring = [monthly, yearly].map((plan): PlanOption => {
    const price = recurringPrice(w, plan);
    const amount = w.money(plan);
    const monthlyPlan = plan.interval === "month";
    const trial = trialDays > 0;
    const firstCharge = t("payment:options.firstCharge", { amount, date: trialEnds });
    return {
      choice: plan.choice,
      label: monthlyPlan ? t("payment:options.monthly.label") : t("payment:options.yearly.label"),
      heading: upperFirst(w.plan(plan.id, plan.name)),
      price,
      next: trial
        ? t("payment:options.nextTrial", { count: trialDays, price })
        : t("payment:options.next", { price }),
      today: trial ? t("payment:options.nothing") : amount,
      firstCharge: trial ? firstCharge : null,
      points: [
        trial
          ? t("payment:options.pointTrial", { count: trialDays, amount, date: trialEnds })
          : t("payment:options.pointPay", { amount }),
        monthlyPlan
          ? t("payment:options.pointThenMonthly", { amount })
          : t("payment:options.pointThenYearly", { amount }),
        ...(!monthlyPlan && saves ? [t("payment:options.pointSaves", { amount: saving })] : []),
      ],
      tag:
        !monthlyPlan && saves
          ? t("payment:options.tagSave", { amount: saving })
          : trial
            ? t("payment:options.tagTrial", { count: trialDays })
            : null,
      submitLabel: trial
        ? t("payment:options.submitTrial")
        : t("payment:options.submitSubscribe", { amount }),
    };
  });
  return [onceOption, ...recurring];
}
