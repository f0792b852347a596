import type { TFunction } from "i18next";
import type { Role } from "../../db/schema";

// Each plan's and role's name as a catalog key, written out so the catalog test sees them.
const PLAN_NAME_KEYS: Record<string, string> = {
  talent_annual_membership: "common:plans.talent_annual_membership",
  professional_annual_access: "common:plans.professional_annual_access",
  company_annual_access: "common:plans.company_annual_access",
  talent_monthly: "common:plans.talent_monthly",
  talent_yearly: "common:plans.talent_yearly",
  professional_monthly: "common:plans.professional_monthly",
  professional_yearly: "common:plans.professional_yearly",
  company_monthly: "common:plans.company_monthly",
  company_yearly: "common:plans.company_yearly",
};

const ROLE_KEYS: Record<Role, string> = {
  talent: "common:roles.talent",
  professional: "common:roles.professional",
  company: "common:roles.company",
};

/** The plan's name in t's language; `fallback` (the stored English name) for an unknown id. */
export function planName(t: TFunction, planId: string | null | undefined, fallback = ""): string {
  const key = planId ? PLAN_NAME_KEYS[planId] : undefined;
  return key ? t(key) : fallback;
}

export function roleName(t: TFunction, role: Role): string {
  return t(ROLE_KEYS[role]);
}
