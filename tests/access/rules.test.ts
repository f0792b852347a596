import { describe, expect, it } from "vitest";
import type { Role, SubscriptionStatus } from "../../db/schema";
import type { Feature } from "../../app/access/rules";
import { decideFeatureAccess, FEATURES, hasAccess, paywallMessage } from "../../app/access/rules";

const NOW = new Date("2027-03-10T12:00:00.000Z");
const MS = 1;

const ROLES: Role[] = ["talent", "professional", "company"];
const STATUSES: SubscriptionStatus[] = ["NONE", "ACTIVE", "EXPIRED", "CANCELLED"];
/** access end relative to NOW: a year ahead, one millisecond ahead, exactly now, one millisecond ago, none */
const EXPIRIES: Array<{ label: string; at: string | null; running: boolean }> = [
  {
    label: "a year ahead",
    at: new Date(NOW.getTime() + 365 * 24 * 3600 * 1000).toISOString(),
    running: true,
  },
  { label: "1 ms before the end", at: new Date(NOW.getTime() + MS).toISOString(), running: true },
  { label: "at the end", at: NOW.toISOString(), running: false },
  { label: "1 ms after the end", at: new Date(NOW.getTime() - MS).toISOString(), running: false },
  { label: "no end date", at: null, running: true },
];

// Expected, written out rather than derived from FEATURES, so a change to the table shows here.
const ALLOWED_ROLES: Record<Feature, Role[]> = {
  "talent-directory": ["talent", "professional", "company"],
  "talent-contact": ["professional", "company"],
};
const NEEDS_ACCESS: Record<Feature, boolean> = {
  "talent-directory": false,
  "talent-contact": true,
};

describe("decideFeatureAccess: role x status x expiry x feature", () => {
  for (const feature of Object.keys(FEATURES) as Feature[]) {
    for (const role of ROLES) {
      for (const status of STATUSES) {
        for (const expiry of EXPIRIES) {
          const roleOk = ALLOWED_ROLES[feature].includes(role);
          const accessOk = status === "ACTIVE" && expiry.running;
          const expected = !roleOk
            ? { allowed: false, reason: "role" }
            : NEEDS_ACCESS[feature] && !accessOk
              ? { allowed: false, reason: "needs-access" }
              : { allowed: true };
          it(`${feature}: ${role}, ${status}, ${expiry.label} -> ${expected.allowed ? "allowed" : expected.reason}`, () => {
            const decision = decideFeatureAccess(
              { role, subscription_status: status, access_expires_at: expiry.at },
              feature,
              NOW,
            );
            expect(decision).toEqual(expected);
          });
        }
      }
    }
  }
});

describe("hasAccess", () => {
  it("ends exactly at access_expires_at, the same instant effectiveStatus reads EXPIRED", () => {
    const end = "2027-03-10T12:00:00.000Z";
    expect(
      hasAccess(
        { subscription_status: "ACTIVE", access_expires_at: end },
        new Date(Date.parse(end) - 1),
      ),
    ).toBe(true);
    expect(
      hasAccess({ subscription_status: "ACTIVE", access_expires_at: end }, new Date(end)),
    ).toBe(false);
  });

  it("a status written EXPIRED or CANCELLED grants nothing even with an end date ahead", () => {
    const ahead = "2030-01-01T00:00:00.000Z";
    expect(hasAccess({ subscription_status: "EXPIRED", access_expires_at: ahead }, NOW)).toBe(
      false,
    );
    expect(hasAccess({ subscription_status: "CANCELLED", access_expires_at: ahead }, NOW)).toBe(
      false,
    );
  });
});

describe("paywallMessage", () => {
  it("names what membership unlocks", () => {
    expect(paywallMessage("talent-contact")).toBe("talents:paywall.needsAccess.talentContact");
  });
});
