import type Stripe from "stripe";

export const DAY = 24 * 60 * 60;

/**
 * `anchor` moved by `count` intervals in UTC calendar terms. Months keep the anchor's day and
 * clamp to the month's last day (Jan 31 -> Feb 28 -> Mar 31), as Stripe's billing cycles do.
 */
export function addIntervals(
  anchor: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
): number {
  if (interval === "day") return anchor + count * DAY;
  if (interval === "week") return anchor + count * 7 * DAY;
  const date = new Date(anchor * 1000);
  const months = interval === "year" ? count * 12 : count;
  const targetMonth = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(targetMonth / 12);
  const month = ((targetMonth % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return Math.floor(
    Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()) /
      1000,
  );
}

/** The end of the period that starts at `start` for a cycle anchored at `anchor`. */
export function periodEndAfter(
  anchor: number,
  start: number,
  recurring: Stripe.Price.Recurring,
): number {
  let k = 1;
  let end = addIntervals(anchor, recurring.interval, recurring.interval_count);
  while (end <= start) {
    k++;
    end = addIntervals(anchor, recurring.interval, recurring.interval_count * k);
  }
  return end;
}
