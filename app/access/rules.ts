import type { Role, SubscriptionStatus } from "../../db/schema";
import { effectiveStatus } from "./period";

// Who may use which feature, decided in one pure function from the user's role and access state
// (users.subscription_status and users.access_expires_at) and the time. A later subscription
// plan writes its Stripe statuses onto the same two columns (trialing, active and past_due during
// its grace become ACTIVE with access_expires_at at the end of the paid or grace period), so
// callers and this rule stay as they are.

export const FEATURES = {
  /** browsing /talents and the profiles: names, member since, headlines */
  "talent-directory": {
    roles: ["talent", "professional", "company"],
    needsAccess: false,
    subject: "the talent directory",
  },
  /** a talent's contact details (email, contact card) */
  "talent-contact": {
    roles: ["professional", "company"],
    needsAccess: true,
    subject: "talents' contact details",
  },
} as const satisfies Record<
  string,
  { roles: readonly Role[]; needsAccess: boolean; subject: string }
>;

export type Feature = keyof typeof FEATURES;

export interface AccessSubject {
  role: Role;
  subscription_status: SubscriptionStatus;
  access_expires_at: string | null;
}

export type FeatureAccessDecision =
  | { allowed: true }
  /** paying (or renewing) the role's plan would allow it */
  | { allowed: false; reason: "needs-access" }
  /** the role never gets this feature, paid or not */
  | { allowed: false; reason: "role" };

/** Whether the user's paid access is running at `now` (an end date at or before `now` has ended). */
export function hasAccess(user: Omit<AccessSubject, "role">, now: Date): boolean {
  return effectiveStatus(user, now) === "ACTIVE";
}

/** May this user use this feature now? */
export function decideFeatureAccess(
  user: AccessSubject,
  feature: Feature,
  now: Date,
): FeatureAccessDecision {
  const rule = FEATURES[feature];
  if (!(rule.roles as readonly Role[]).includes(user.role))
    return { allowed: false, reason: "role" };
  if (rule.needsAccess && !hasAccess(user, now)) return { allowed: false, reason: "needs-access" };
  return { allowed: true };
}

/** "Become a member to see talents' contact details." */
// Each feature's paywall words as catalog keys (talents namespace), written out so the catalog
// test sees them: what membership unlocks, and who gets a feature a role never has.
const NEEDS_ACCESS: Record<Feature, string> = {
  "talent-directory": "talents:paywall.needsAccess.talentDirectory",
  "talent-contact": "talents:paywall.needsAccess.talentContact",
};
const FOR_ROLES: Record<Feature, string> = {
  "talent-directory": "talents:paywall.forRoles.talentDirectory",
  "talent-contact": "talents:paywall.forRoles.talentContact",
};

/** "Become a member to see ...", as a catalog key the page translates. */
export function paywallMessage(feature: Feature): string {
  return NEEDS_ACCESS[feature];
}

/** "... are for Professional and Company members.", as a catalog key. */
export function rolesMessage(feature: Feature): string {
  return FOR_ROLES[feature];
}
