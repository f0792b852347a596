import type { i18n as I18n } from "i18next";
import type { Language } from "./config";
import { DEFAULT_LANGUAGE, parseLanguage } from "./config";

/** Amounts and dates are shown in Morocco's time, whatever the server's or the reader's zone. */
export const DISPLAY_TIME_ZONE = "Africa/Casablanca";

/**
 * The Intl locale for each language: plain "fr" gives "3 500,00 MAD" (fr-MA would group with
 * dots); "en-GB" gives "MAD 3,500.00" and "5 December 2026" (en-US would put the month first).
 */
const INTL_LOCALE: Record<Language, string> = { fr: "fr", en: "en-GB" };

const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function moneyFormat(language: Language, currency: string): Intl.NumberFormat {
  const key = `${language}:${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[language], {
      style: "currency",
      currency: currency.toUpperCase(),
      currencyDisplay: "code",
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * An amount in minor units of `currency` as the language writes it: fr "3 500,00 MAD", en
 * "MAD 3,500.00". The spaces are whatever Intl gives (narrow no-break spaces in French).
 */
export function formatMoney(amountMinor: number, currency: string, language: Language): string {
  const format = moneyFormat(language, currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

function dateFormat(language: Language, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}:${withTime}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[language], {
      day: "numeric",
      month: "long",
      year: "numeric",
      ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
      timeZone: DISPLAY_TIME_ZONE,
    });
    dateFormats.set(key, format);
  }
  return format;
}

function toDate(value: string | Date | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/** fr "5 d\u00e9cembre 2026", en "5 December 2026", the day in Casablanca. */
export function formatDate(value: string | Date | number, language: Language): string {
  return dateFormat(language, false).format(toDate(value));
}

/** The date with the time of day in Casablanca: fr "5 d\u00e9cembre 2026 \u00e0 14:05". */
export function formatDateTime(value: string | Date | number, language: Language): string {
  return dateFormat(language, true).format(toDate(value));
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A calendar month "YYYY-MM" (the revenue's and the reconciliation's months, which are UTC
 * months) named in the language: long fr "d\u00e9cembre 2026", en "December 2026"; short fr
 * "d\u00e9c. 26", en "Dec 26".
 */
export function formatMonth(month: string, language: Language, style: "long" | "short"): string {
  const key = `${language}:${style}`;
  let format = monthFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[language], {
      month: style,
      year: style === "long" ? "numeric" : "2-digit",
      timeZone: "UTC",
    });
    monthFormats.set(key, format);
  }
  return format.format(new Date(`${month}-01T00:00:00.000Z`));
}

const numberFormats = new Map<Language, Intl.NumberFormat>();

/** A plain number grouped as the language groups digits: fr "3 500", en "3,500". */
export function formatNumber(value: number, language: Language): string {
  let format = numberFormats.get(language);
  if (!format) {
    format = new Intl.NumberFormat(INTL_LOCALE[language]);
    numberFormats.set(language, format);
  }
  return format.format(value);
}

/**
 * Formats the catalogs may name in an interpolation, for values a server message carries raw
 * (decision 0022): `{{until, date}}` writes an ISO instant as formatDate does in the reader's
 * language, `{{retryAfterSeconds, retryIn}}` writes seconds as "in 30 seconds" / "in about 2
 * minutes" (common:retryIn). Added to every i18next instance, the server's and the browser's.
 */
export function addFormatters(i18n: I18n): void {
  const formatter = i18n.services.formatter;
  if (!formatter) return;
  const language = (lng: string | undefined) => parseLanguage(lng) ?? DEFAULT_LANGUAGE;
  formatter.add("date", (value: string, lng) => formatDate(value, language(lng)));
  formatter.add("retryIn", (value: number, lng) => {
    const t = i18n.getFixedT(language(lng));
    return value >= 55
      ? t("common:retryIn.minutes", { count: Math.ceil(value / 60) })
      : t("common:retryIn.seconds", { count: value });
  });
}
