import type { SubscriptionStatus } from "../../db/schema";

export const RENEWAL_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AccessState {
  subscription_status: SubscriptionStatus;
  access_expires_at: string | null;
}

/** The status as of `now`: an ACTIVE status whose end date has passed reads as EXPIRED. */
export function effectiveStatus(user: AccessState, now: Date): SubscriptionStatus {
  if (
    user.subscription_status === "ACTIVE" &&
    user.access_expires_at &&
    Date.parse(user.access_expires_at) <= now.getTime()
  ) {
    return "EXPIRED";
  }
  return user.subscription_status;
}

/** Paying is refused while access runs more than RENEWAL_WINDOW_DAYS longer. */
export function canPay(user: AccessState, now: Date): boolean {
  if (effectiveStatus(user, now) !== "ACTIVE" || !user.access_expires_at) return true;
  return Date.parse(user.access_expires_at) - now.getTime() <= RENEWAL_WINDOW_DAYS * DAY_MS;
}

/** One year of access from the current end date while it is in the future, otherwise from now. */
export function nextAccessPeriod(user: AccessState, now: Date): { startsAt: Date; endsAt: Date } {
  const currentEnd = user.access_expires_at ? new Date(user.access_expires_at) : null;
  const startsAt =
    currentEnd && currentEnd.getTime() > now.getTime() && user.subscription_status === "ACTIVE"
      ? currentEnd
      : now;
  const endsAt = new Date(startsAt);
  endsAt.setUTCFullYear(endsAt.getUTCFullYear() + 1);
  return { startsAt, endsAt };
}
