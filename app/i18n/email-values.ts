import type { Language } from "./config";
import { formatDate, formatMoney } from "./format";

/**
 * Values an email's props carry so the dispatcher can write them in the recipient's language
 * when it sends. Rows queued before languages existed hold the words already written
 * ("300 MAD", "21 November 2027"); those are shown as they are.
 */
export type MoneyValue = string | { amount: number; currency: string };
/** an ISO-8601 instant, or a date already written */
export type DateValue = string;
export type PriceValue = string | { amount: number; currency: string; interval: "month" | "year" };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function moneyText(value: MoneyValue, language: Language): string {
  return typeof value === "string" ? value : formatMoney(value.amount, value.currency, language);
}

export function dateText(value: DateValue, language: Language): string {
  return ISO_INSTANT.test(value) ? formatDate(value, language) : value;
}
