// English formatting for the pages and emails not yet translated (app/i18n/format.ts formats
// per language).

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "21 November 2027": dates as people read them, in UTC so server and email agree. */
export function formatDate(value: string | Date): string {
  return dateFormat.format(typeof value === "string" ? new Date(value) : value);
}

// Intl formatters are costly to build and every page shows prices: one per currency and shape.
const formatters = new Map<
  string,
  { digits: number; whole: Intl.NumberFormat; fractional: Intl.NumberFormat }
>();

function formattersFor(code: string) {
  let entry = formatters.get(code);
  if (!entry) {
    const digits =
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
    entry = {
      digits,
      whole: new Intl.NumberFormat("en", { maximumFractionDigits: 0 }),
      fractional: new Intl.NumberFormat("en", {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }),
    };
    formatters.set(code, entry);
  }
  return entry;
}

/** "300 MAD", "1,500 MAD", "12.50 USD": the amount as people read it, code after the number. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const { digits, whole, fractional } = formattersFor(code);
  const major = amountMinor / 10 ** digits;
  return `${(Number.isInteger(major) ? whole : fractional).format(major)} ${code}`;
}
