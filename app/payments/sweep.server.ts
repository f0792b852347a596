import type { DB } from "../../db/schema";

/** Stripe statuses of a subscription that still grants access (past_due during its retries). */
const RUNNING_SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due"];
/**
 * How long after a subscription period's end the sweep leaves its member alone: Stripe renews
 * (and its events reach the sync) within this, so access does not flicker to EXPIRED and back.
 * A subscription whose events were lost past it is corrected by the daily re-sync.
 */
export const RENEWAL_GRACE_MS = 24 * 60 * 60 * 1000;

/**
 * Writes EXPIRED for every ACTIVE user whose access ended, except members whose auto-renewing
 * subscription is running and within the renewal grace; returns how many changed.
 */
export async function expireLapsedAccess(db: DB, now: Date): Promise<number> {
  const nowIso = now.toISOString();
  const graceIso = new Date(now.getTime() - RENEWAL_GRACE_MS).toISOString();
  const result = await db
    .updateTable("users")
    .set({ subscription_status: "EXPIRED", updated_at: nowIso })
    .where("subscription_status", "=", "ACTIVE")
    .where("access_expires_at", "is not", null)
    .where("access_expires_at", "<=", nowIso)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("subscriptions")
            .select("subscriptions.id")
            .whereRef("subscriptions.user_id", "=", "users.id")
            .where("subscriptions.status", "in", RUNNING_SUBSCRIPTION_STATUSES)
            .where((sub) =>
              sub(
                sub.fn.coalesce("subscriptions.current_period_end", "subscriptions.trial_end"),
                ">",
                graceIso,
              ),
            ),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
