import type { SubscriptionStatus } from "../../db/schema";

/** What a subscription contributes to access, in Stripe's terms (times as ISO strings). */
export interface SubscriptionFacts {
  /** Stripe's status: trialing, active, past_due, canceled, unpaid, incomplete, incomplete_expired, paused */
  status: string;
  current_period_end: string | null;
  trial_end: string | null;
  cancel_at_period_end: boolean;
  ended_at: string | null;
  canceled_at: string | null;
  /** cancellation_details.reason: cancellation_requested, payment_failed, payment_disputed, or null */
  cancellation_reason: string | null;
  stripe_created_at: string;
}

export interface AccessInput {
  /** end of the latest annual year paid once, or null when none was ever paid */
  paidYearEndsAt: string | null;
  /** end of the latest complimentary access staff granted (app/staff), or null; it grants like a paid year */
  complimentaryUntil?: string | null;
  subscriptions: readonly SubscriptionFacts[];
  now: Date;
  /**
   * The latest time a grant was taken back (a paid year refunded in full, a charge disputed and
   * not won), or null. The caller leaves withdrawn grants out of the two fields above.
   */
  withdrawnAt?: string | null;
}

export interface MembershipStatusDecision {
  subscription_status: SubscriptionStatus;
  /** end of the current paid period or trial; when nothing grants access, when it last ended */
  access_expires_at: string | null;
  /** a subscription payment failed and Stripe is retrying: access continues with a warning */
  paymentFailing: boolean;
}

/** Stripe keeps these working: trialing and active, and past_due during its retries. */
const GRANTING = new Set(["trialing", "active", "past_due"]);

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** When a subscription's access ends (or ended). */
function subscriptionEnd(s: SubscriptionFacts): string | null {
  if (GRANTING.has(s.status))
    return later(s.current_period_end, s.status === "trialing" ? s.trial_end : null);
  return s.ended_at ?? s.canceled_at ?? s.current_period_end;
}

/** A subscription that is over: how it ended, in users.subscription_status words. */
function endedStatus(s: SubscriptionFacts): SubscriptionStatus {
  if (s.status === "incomplete" || s.status === "incomplete_expired") return "NONE";
  // The member cancelled (now or at period end, themselves or through the portal) and it is over.
  if (
    s.status === "canceled" &&
    (s.cancellation_reason === "cancellation_requested" || s.cancel_at_period_end)
  )
    return "CANCELLED";
  // Ended unpaid (payment_failed, unpaid, paused without payment) or by a dispute: the access ran out.
  return "EXPIRED";
}

/**
 * The one rule for users.subscription_status and access_expires_at, over the annual year paid
 * once and every subscription of the member. ACTIVE while a paid year runs or a subscription is
 * trialing, active or past_due; otherwise whichever ended last says how: CANCELLED when the
 * member cancelled, EXPIRED when a year ran out or a subscription ended unpaid, NONE when
 * nothing was ever paid or started. Stripe's status decides for subscriptions (its clock, which
 * a test clock moves, is the one that counts); `now` only decides whether a paid year runs.
 */
export function decideMembershipStatus(input: AccessInput): MembershipStatusDecision {
  const decision = decideFromGrants(input);
  const withdrawnAt = input.withdrawnAt ?? null;
  // Nothing grants any more because a grant was taken back: access ended then, by the business.
  if (
    decision.subscription_status !== "ACTIVE" &&
    withdrawnAt !== null &&
    (decision.access_expires_at === null ||
      Date.parse(withdrawnAt) >= Date.parse(decision.access_expires_at))
  )
    return {
      subscription_status: "CANCELLED",
      access_expires_at: withdrawnAt,
      paymentFailing: false,
    };
  return decision;
}

function decideFromGrants({
  paidYearEndsAt: paidYear,
  complimentaryUntil = null,
  subscriptions,
  now,
}: AccessInput): MembershipStatusDecision {
  // Complimentary access counts for access exactly as a paid year does (never for revenue).
  const paidYearEndsAt = later(paidYear, complimentaryUntil);
  const yearRuns = paidYearEndsAt !== null && Date.parse(paidYearEndsAt) > now.getTime();
  const granting = subscriptions.filter((s) => GRANTING.has(s.status));
  const paymentFailing = granting.some((s) => s.status === "past_due");

  if (yearRuns || granting.length > 0) {
    let end: string | null = yearRuns ? paidYearEndsAt : null;
    for (const s of granting) end = later(end, subscriptionEnd(s));
    return { subscription_status: "ACTIVE", access_expires_at: end, paymentFailing };
  }

  // Nothing grants access: the most recent ending decides how it reads.
  const started = subscriptions.filter((s) => endedStatus(s) !== "NONE");
  let latest: SubscriptionFacts | null = null;
  for (const s of started) {
    if (
      latest === null ||
      Date.parse(subscriptionEnd(s) ?? s.stripe_created_at) >=
        Date.parse(subscriptionEnd(latest) ?? latest.stripe_created_at)
    ) {
      latest = s;
    }
  }
  const latestSubscriptionEnd = latest
    ? (subscriptionEnd(latest) ?? latest.stripe_created_at)
    : null;
  if (
    latest &&
    (paidYearEndsAt === null ||
      Date.parse(latestSubscriptionEnd ?? "") >= Date.parse(paidYearEndsAt))
  ) {
    return {
      subscription_status: endedStatus(latest),
      access_expires_at: latestSubscriptionEnd,
      paymentFailing: false,
    };
  }
  if (paidYearEndsAt !== null)
    return {
      subscription_status: "EXPIRED",
      access_expires_at: paidYearEndsAt,
      paymentFailing: false,
    };
  return { subscription_status: "NONE", access_expires_at: null, paymentFailing: false };
}

/** Statuses of a subscription that still runs: it renews or waits for payment, and is not over. */
export const RUNNING_SUBSCRIPTION_STATUSES: readonly string[] = [
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "incomplete",
  "paused",
];

/** A subscription that still runs: the member must not be offered a second one. */
export function isRunningSubscription(status: string): boolean {
  return RUNNING_SUBSCRIPTION_STATUSES.includes(status);
}
