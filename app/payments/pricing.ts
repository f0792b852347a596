import type { Role } from "../../db/schema";

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

/** The plan a role pays for; the price never comes from the client. */
export function planForRole(role: Role, currency: string): Plan {
  return { ...PLANS[role], currency: currency.toUpperCase() };
}
