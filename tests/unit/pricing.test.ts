import { describe, expect, it } from "vitest";
import { planForRole } from "~/payments/pricing";
import { formatMoney } from "../../app/lib/format";
import { isRole, roleLabel } from "../../app/lib/roles";

describe("pricing", () => {
  it("prices each role in minor units with the configured currency beside the amount", () => {
    expect(planForRole("talent", "MAD")).toMatchObject({
      id: "talent_annual_membership",
      amount: 30000,
      currency: "MAD",
    });
    expect(planForRole("professional", "MAD")).toMatchObject({
      id: "professional_annual_access",
      amount: 150000,
      currency: "MAD",
    });
    expect(planForRole("company", "mad")).toMatchObject({
      id: "company_annual_access",
      amount: 350000,
      currency: "MAD",
    });
  });

  it("keeps every amount an integer", () => {
    for (const role of ["talent", "professional", "company"] as const) {
      expect(Number.isInteger(planForRole(role, "USD").amount)).toBe(true);
    }
  });

  it("maps only known roles", () => {
    expect(isRole("talent")).toBe(true);
    expect(isRole("admin")).toBe(false);
    expect(isRole("Talent")).toBe(false);
    expect(isRole(undefined)).toBe(false);
    expect(roleLabel("company")).toBe("Company");
  });

  it("formats amounts for people, with the currency code", () => {
    expect(formatMoney(30000, "mad")).toBe("300 MAD");
    expect(formatMoney(150000, "MAD")).toBe("1,500 MAD");
    expect(formatMoney(350000, "MAD")).toBe("3,500 MAD");
    expect(formatMoney(1250, "usd")).toBe("12.50 USD");
    expect(formatMoney(500, "JPY")).toBe("500 JPY");
  });
});
