import type { Role } from "../../db/schema";

export const ROLES = ["talent", "professional", "company"] as const satisfies readonly Role[];

export interface Plan {
  /** stored in payments.plan and sent to Stripe as metadata */
  id: string;
  role: Role;
  name: string;
  description: string;
  /** minor units of `currency` */
  amount: number;
  /** uppercase ISO 4217 code */
  currency: string;
}

const PLANS: Record<Role, Omit<Plan, "currency">> = {
  talent: {
    id: "talent_annual_membership",
    role: "talent",
    name: "Talent annual membership",
    description:
      "A year of membership: your profile in the Talents Acting directory, casting calls and applications.",
    amount: 30000,
  },
  professional: {
    id: "professional_annual_access",
    role: "professional",
    name: "Professional annual access",
    description:
      "A year of access for a professional: search the talent directory, contact talents and post castings.",
    amount: 150000,
  },
  company: {
    id: "company_annual_access",
    role: "company",
    name: "Company annual access",
    description:
      "A year of access for a company: talent search, castings and contacts for your whole team.",
    amount: 350000,
  },
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** The plan a role pays for; the price never comes from the client. */
export function planForRole(role: Role, currency: string): Plan {
  return { ...PLANS[role], currency: currency.toUpperCase() };
}

export function roleLabel(role: Role): string {
  return role === "talent" ? "Talent" : role === "professional" ? "Professional" : "Company";
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
