import { intlTag } from "./locale.js";
import type { PageLocale } from "./locale.js";

/** Stripe's own lists: amounts in these currencies are not in hundredths. */
const ZERO_DECIMAL = new Set(
  "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split(" "),
);
const THREE_DECIMAL = new Set("bhd jod kwd omr tnd".split(" "));

export function minorUnitDigits(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/**
 * 30000 MAD -> "MAD 300.00", 1500 usd -> "$15.00". Intl's non-breaking spaces become plain
 * spaces so text matching in tests and screen readers sees what people see.
 */
export function formatAmount(amount: number, currency: string, locale: PageLocale = "en"): string {
  const digits = minorUnitDigits(currency);
  const major = amount / 10 ** digits;
  try {
    return new Intl.NumberFormat(intlTag(locale), {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    })
      .format(major)
      .replace(/[\u00a0\u202f]/g, " ");
  } catch {
    return `${currency.toUpperCase()} ${major.toFixed(digits)}`;
  }
}
