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
    description: "A year of membership: your profile in the Talents Acting directory, casting calls and applications.",
    amount: 30000,
  },
  professional: {
    id: "professional_annual_access",
    role: "professional",
    name: "Professional annual access",
    description: "A year of access for a professional: search the talent directory, contact talents and post castings.",
    amount: 150000,
  },
  company: {
    id: "company_annual_access",
    role: "company",
    name: "Company annual access",
    description: "A year of access for a company: talent search, castings and contacts for your whole team.",
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

/** "300 MAD", "1,500 MAD", "12.50 USD": the amount as people read it, code after the number. */
export function formatMoney(amountMinor: number, currency: string): string {
  const code = currency.toUpperCase();
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  const major = amountMinor / 10 ** digits;
  const formatted = new Intl.NumberFormat("en", {
    minimumFractionDigits: Number.isInteger(major) ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(major);
  return `${formatted} ${code}`;
}
