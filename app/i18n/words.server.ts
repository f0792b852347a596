import type { TFunction } from "i18next";
import type { Language } from "./config";
import { formatDate, formatDateTime, formatMoney, formatMonth } from "./format";
import { getLanguage, translator } from "./i18next.server";
import { planName } from "./plans";

/**
 * What server code needs to write words for one reader: the translate function over every
 * namespace, and amounts, dates and plan names in the reader's language (decision 0022).
 * Loaders that put sentences or amounts in their data take one: the member's status, the plan
 * cards, and every staff console page (decision 0023), so the browser's own Intl never
 * rewrites them. What machines read stays as it is: the CSV, form values, Stripe's codes.
 */
export interface Words {
  language: Language;
  t: TFunction;
  /** fr "3 500,00 MAD", en "MAD 3,500.00" */
  money(amount: { amount: number; currency: string }): string;
  /** fr "5 d\u00e9cembre 2026", en "5 December 2026", the day in Casablanca; "-" for none */
  date(value: string | Date | null | undefined): string;
  /** an instant's day and time in Casablanca: fr "5 d\u00e9cembre 2026 \u00e0 14:05" */
  dateTime(instant: string): string;
  /** a calendar day "YYYY-MM-DD" (a day chosen in a form), whatever the zone */
  day(day: string): string;
  /** a UTC month "YYYY-MM": fr "d\u00e9cembre 2026", en "December 2026" */
  month(month: string): string;
  /** the plan's name from its id; `fallback` (the stored name) for an id the catalog lacks */
  plan(planId: string | null | undefined, fallback?: string): string;
}

const made = new Map<Language, Words>();

export function wordsFor(language: Language): Words {
  let words = made.get(language);
  if (!words) {
    const t = translator(language);
    words = {
      language,
      t,
      money: (m) => formatMoney(m.amount, m.currency, language),
      date: (value) => (value ? formatDate(value, language) : "-"),
      dateTime: (instant) => formatDateTime(instant, language),
      // Noon UTC falls on the same calendar day in every zone within twelve hours of UTC.
      day: (day) => formatDate(`${day}T12:00:00.000Z`, language),
      month: (month) => formatMonth(month, language, "long"),
      plan: (planId, fallback = planId ?? "") => planName(t, planId, fallback),
    };
    made.set(language, words);
  }
  return words;
}

/** The words for the language `request` is answered in. */
export async function requestWords(request: Request): Promise<Words> {
  return wordsFor(await getLanguage(request));
}
