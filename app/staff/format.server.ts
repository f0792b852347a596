import type { Language } from "../i18n/config";
import { formatDate, formatDateTime, formatMoney, formatMonth } from "../i18n/format";
import { getLanguage } from "../i18n/i18next.server";

/**
 * Amounts and dates as the console's loaders write them, in the page's language through
 * app/i18n/format.ts, as the member pages do (decision 0023): money from minor units with its
 * currency, days and times in Casablanca. Written on the server, so the browser's own Intl
 * never rewrites them. What machines read stays as it is: the CSV, form values, Stripe's codes.
 */
export interface StaffFormat {
  language: Language;
  /** fr "3 500,00 MAD", en "MAD 3,500.00" */
  money(amountMinor: number, currency: string): string;
  /** an instant's day in Casablanca: fr "5 d\u00e9cembre 2026", en "5 December 2026" */
  date(instant: string): string;
  /** an instant's day and time in Casablanca: fr "5 d\u00e9cembre 2026 \u00e0 14:05" */
  dateTime(instant: string): string;
  /** a calendar day "YYYY-MM-DD" (a day chosen in a form), whatever the zone */
  day(day: string): string;
  /** a UTC month "YYYY-MM": fr "d\u00e9cembre 2026", en "December 2026" */
  month(month: string): string;
}

const made = new Map<Language, StaffFormat>();

export function staffFormatIn(language: Language): StaffFormat {
  let format = made.get(language);
  if (!format) {
    format = {
      language,
      money: (amount, currency) => formatMoney(amount, currency, language),
      date: (instant) => formatDate(instant, language),
      dateTime: (instant) => formatDateTime(instant, language),
      // Noon UTC falls on the same calendar day in every zone within twelve hours of UTC.
      day: (day) => formatDate(`${day}T12:00:00.000Z`, language),
      month: (month) => formatMonth(month, language, "long"),
    };
    made.set(language, format);
  }
  return format;
}

/** The formats of the language `request` is answered in. */
export async function staffFormat(request: Request): Promise<StaffFormat> {
  return staffFormatIn(await getLanguage(request));
}
