import { describe, expect, it } from "vitest";
import {
  decideMembershipStatus,
  isRunningSubscription,
  type SubscriptionFacts,
} from "../../app/billing/access-status";

const NOW = new Date("2027-03-01T12:00:00.000Z");
const PAST = "2027-01-01T00:00:00.000Z";
const EARLIER = "2026-06-01T00:00:00.000Z";
const FUTURE = "2027-06-01T00:00:00.000Z";
const LATER = "2027-09-01T00:00:00.000Z";

type YearCase = { name: string; paidYearEndsAt: string | null };
const years: YearCase[] = [
  { name: "no paid year", paidYearEndsAt: null },
  { name: "a paid year running until LATER", paidYearEndsAt: LATER },
  { name: "a paid year that ended EARLIER", paidYearEndsAt: EARLIER },
];

type SubscriptionCase = {
  name: string;
  facts: SubscriptionFacts | null;
  grants: boolean;
  ended?: "CANCELLED" | "EXPIRED" | "NONE";
  end: string | null;
};
function sub(overrides: Partial<SubscriptionFacts>): SubscriptionFacts {
  return {
    status: "active",
    current_period_end: FUTURE,
    trial_end: null,
    cancel_at_period_end: false,
    ended_at: null,
    canceled_at: null,
    cancellation_reason: null,
    stripe_created_at: EARLIER,
    ...overrides,
  };
}
const subscriptions: SubscriptionCase[] = [
  { name: "no subscription", facts: null, grants: false, end: null },
  {
    name: "trialing",
    facts: sub({ status: "trialing", trial_end: FUTURE }),
    grants: true,
    end: FUTURE,
  },
  { name: "active", facts: sub({}), grants: true, end: FUTURE },
  {
    name: "active, cancelling at period end",
    facts: sub({ cancel_at_period_end: true, canceled_at: PAST }),
    grants: true,
    end: FUTURE,
  },
  {
    name: "past_due (Stripe retrying)",
    facts: sub({ status: "past_due" }),
    grants: true,
    end: FUTURE,
  },
  {
    name: "canceled by the member at period end",
    facts: sub({
      status: "canceled",
      cancel_at_period_end: true,
      canceled_at: EARLIER,
      ended_at: PAST,
      cancellation_reason: "cancellation_requested",
    }),
    grants: false,
    ended: "CANCELLED",
    end: PAST,
  },
  {
    name: "canceled by the member at once",
    facts: sub({
      status: "canceled",
      canceled_at: PAST,
      ended_at: PAST,
      cancellation_reason: "cancellation_requested",
    }),
    grants: false,
    ended: "CANCELLED",
    end: PAST,
  },
  {
    name: "canceled after failed payments",
    facts: sub({
      status: "canceled",
      canceled_at: PAST,
      ended_at: PAST,
      cancellation_reason: "payment_failed",
    }),
    grants: false,
    ended: "EXPIRED",
    end: PAST,
  },
  {
    name: "unpaid",
    facts: sub({ status: "unpaid", current_period_end: PAST }),
    grants: false,
    ended: "EXPIRED",
    end: PAST,
  },
  {
    name: "paused",
    facts: sub({ status: "paused", current_period_end: PAST }),
    grants: false,
    ended: "EXPIRED",
    end: PAST,
  },
  {
    name: "incomplete (first payment pending)",
    facts: sub({ status: "incomplete", current_period_end: PAST }),
    grants: false,
    ended: "NONE",
    end: null,
  },
  {
    name: "incomplete_expired",
    facts: sub({ status: "incomplete_expired", current_period_end: PAST, ended_at: PAST }),
    grants: false,
    ended: "NONE",
    end: null,
  },
];

/** The rule written out once more, case by case, to check decideMembershipStatus against. */
function expected(year: YearCase, s: SubscriptionCase) {
  const yearRuns = year.paidYearEndsAt === LATER;
  if (yearRuns || s.grants) {
    const ends = [yearRuns ? LATER : null, s.grants ? s.end : null]
      .filter((v): v is string => v !== null)
      .sort();
    return {
      subscription_status: "ACTIVE",
      access_expires_at: ends.at(-1),
      paymentFailing: s.facts?.status === "past_due",
    };
  }
  const subscriptionCounts = s.ended !== undefined && s.ended !== "NONE";
  if (
    subscriptionCounts &&
    (year.paidYearEndsAt === null || Date.parse(s.end!) >= Date.parse(year.paidYearEndsAt))
  ) {
    return { subscription_status: s.ended, access_expires_at: s.end, paymentFailing: false };
  }
  if (year.paidYearEndsAt)
    return {
      subscription_status: "EXPIRED",
      access_expires_at: year.paidYearEndsAt,
      paymentFailing: false,
    };
  return { subscription_status: "NONE", access_expires_at: null, paymentFailing: false };
}

describe("decideMembershipStatus over every combination of paid year and subscription", () => {
  for (const year of years) {
    for (const s of subscriptions) {
      it(`${year.name} + ${s.name}`, () => {
        const decision = decideMembershipStatus({
          paidYearEndsAt: year.paidYearEndsAt,
          subscriptions: s.facts ? [s.facts] : [],
          now: NOW,
        });
        expect(decision).toEqual(expected(year, s));
      });
    }
  }

  it("spot checks read as the issue states them", () => {
    const none = decideMembershipStatus({ paidYearEndsAt: null, subscriptions: [], now: NOW });
    expect(none.subscription_status).toBe("NONE");
    const trial = decideMembershipStatus({
      paidYearEndsAt: null,
      subscriptions: [sub({ status: "trialing", trial_end: FUTURE, current_period_end: FUTURE })],
      now: NOW,
    });
    expect(trial).toEqual({
      subscription_status: "ACTIVE",
      access_expires_at: FUTURE,
      paymentFailing: false,
    });
    const pastDue = decideMembershipStatus({
      paidYearEndsAt: null,
      subscriptions: [sub({ status: "past_due" })],
      now: NOW,
    });
    expect(pastDue).toMatchObject({ subscription_status: "ACTIVE", paymentFailing: true });
    const yearOver = decideMembershipStatus({ paidYearEndsAt: PAST, subscriptions: [], now: NOW });
    expect(yearOver).toEqual({
      subscription_status: "EXPIRED",
      access_expires_at: PAST,
      paymentFailing: false,
    });
  });

  it("a paid year that ends exactly now no longer runs", () => {
    const decision = decideMembershipStatus({
      paidYearEndsAt: NOW.toISOString(),
      subscriptions: [],
      now: NOW,
    });
    expect(decision.subscription_status).toBe("EXPIRED");
  });

  it("with several subscriptions, a running one wins over an older cancelled one", () => {
    const cancelled = sub({
      status: "canceled",
      ended_at: EARLIER,
      canceled_at: EARLIER,
      cancellation_reason: "cancellation_requested",
    });
    const running = sub({ status: "active", current_period_end: LATER, stripe_created_at: PAST });
    expect(
      decideMembershipStatus({
        paidYearEndsAt: null,
        subscriptions: [cancelled, running],
        now: NOW,
      }),
    ).toEqual({
      subscription_status: "ACTIVE",
      access_expires_at: LATER,
      paymentFailing: false,
    });
  });

  it("with only ended subscriptions, the one that ended last says how", () => {
    const unpaidOld = sub({
      status: "canceled",
      ended_at: EARLIER,
      canceled_at: EARLIER,
      cancellation_reason: "payment_failed",
    });
    const cancelledRecent = sub({
      status: "canceled",
      ended_at: PAST,
      canceled_at: PAST,
      cancellation_reason: "cancellation_requested",
    });
    expect(
      decideMembershipStatus({
        paidYearEndsAt: null,
        subscriptions: [cancelledRecent, unpaidOld],
        now: NOW,
      }).subscription_status,
    ).toBe("CANCELLED");
    expect(
      decideMembershipStatus({ paidYearEndsAt: null, subscriptions: [unpaidOld], now: NOW })
        .subscription_status,
    ).toBe("EXPIRED");
  });

  it("a subscription that still runs blocks a second one; an ended one does not", () => {
    for (const status of ["trialing", "active", "past_due", "unpaid", "incomplete", "paused"])
      expect(isRunningSubscription(status)).toBe(true);
    for (const status of ["canceled", "incomplete_expired"])
      expect(isRunningSubscription(status)).toBe(false);
  });
});
