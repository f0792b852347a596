import type { TFunction } from "i18next";
import type { Language } from "./config";
import { formatDate, formatMoney } from "./format";
import { getLanguage, translator } from "./i18next.server";
import { planName } from "./plans";

/**
 * What server code needs to write words for one reader: the translate function over every
 * namespace, and amounts, dates and plan names in the reader's language (decision 0022).
 * Loaders that put sentences in their data (the member's status, the plan cards) take one.
 */
export interface Words {
  language: Language;
  t: TFunction;
  /** fr "3 500,00 MAD", en "MAD 3,500.00" */
  money(amount: { amount: number; currency: string }): string;
  /** fr "5 d\u00e9cembre 2026", en "5 December 2026", the day in Casablanca; "-" for none */
  date(value: string | Date | null | undefined): string;
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
