import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney } from "../../app/i18n/format";

// Intl separates French thousands with a narrow no-break space and puts no-break spaces
// beside the code; compare with ordinary spaces so the expectations read as the issue writes them.
const spaces = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

describe("money per language", () => {
  it("writes 3,500 MAD the French way and the English way", () => {
    expect(spaces(formatMoney(350_000, "mad", "fr"))).toBe("3 500,00 MAD");
    expect(spaces(formatMoney(350_000, "mad", "en"))).toBe("MAD 3,500.00");
  });

  it("reads minor units with the currency's own decimals", () => {
    expect(spaces(formatMoney(30_000, "MAD", "fr"))).toBe("300,00 MAD");
    expect(spaces(formatMoney(1_250, "usd", "en"))).toBe("USD 12.50");
    // The yen has no minor unit: 500 is 500 yen.
    expect(spaces(formatMoney(500, "jpy", "en"))).toBe("JPY 500");
  });
});

describe("dates per language, in Casablanca", () => {
  it("writes 5 December 2026 in each language", () => {
    expect(formatDate("2026-12-05T12:00:00.000Z", "fr")).toBe("5 d\u00e9cembre 2026");
    expect(formatDate("2026-12-05T12:00:00.000Z", "en")).toBe("5 December 2026");
  });

  it("takes the day in Casablanca, not in UTC or the server's zone", () => {
    // 23:30 UTC on 5 December is 00:30 on 6 December in Casablanca (UTC+1).
    expect(formatDate("2026-12-05T23:30:00.000Z", "en")).toBe("6 December 2026");
    expect(formatDate(new Date("2026-12-05T22:59:00.000Z"), "fr")).toBe("5 d\u00e9cembre 2026");
    expect(spaces(formatDateTime("2026-12-05T13:05:00.000Z", "fr"))).toBe(
      "5 d\u00e9cembre 2026 \u00e0 14:05",
    );
    expect(spaces(formatDateTime("2026-12-05T13:05:00.000Z", "en"))).toBe(
      "5 December 2026 at 14:05",
    );
  });
});
