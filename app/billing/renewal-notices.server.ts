import type { DB } from "../../db/schema";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { planById } from "../payments/catalog";
import { writeTransaction } from "../../db/dialect";

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 500;

/** One notice per subscription and period: the key names the renewal date. */
export const renewalNoticeKey = (subscriptionId: string, renewsAt: string) =>
  `renewal-notice:${subscriptionId}:${renewsAt}`;

/**
 * The notice before a yearly plan renews (amount, date, how to cancel), RENEWAL_NOTICE_DAYS
 * before the period ends, for every running catalog subscription that will renew (not set to
 * cancel). Exactly once per period: the outbox key names the subscription and the renewal
 * date, so the daily job, `npm run stripe:sync` and any instance may all run it. Returns one
 * line per notice queued.
 */
export async function runRenewalNotices(db: DB, now: Date): Promise<string[]> {
  const days = env().billing.renewalNoticeDays;
  const until = new Date(now.getTime() + days * DAY_MS).toISOString();
  const lines: string[] = [];
  for (let after = 0; ;) {
    const rows = await db
      .selectFrom("subscriptions")
      .innerJoin("users", "users.id", "subscriptions.user_id")
      .select([
        "subscriptions.id",
        "subscriptions.stripe_subscription_id",
        "subscriptions.plan",
        "subscriptions.amount",
        "subscriptions.currency",
        "subscriptions.current_period_end",
        "users.email",
        "users.name",
      ])
      .where("subscriptions.interval", "=", "year")
      .where("subscriptions.status", "=", "active")
      .where("subscriptions.cancel_at_period_end", "=", 0)
      .where("subscriptions.off_catalog", "=", 0)
      .where("subscriptions.current_period_end", ">", now.toISOString())
      .where("subscriptions.current_period_end", "<=", until)
      .where("subscriptions.id", ">", after)
      .orderBy("subscriptions.id")
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const renewsAt = row.current_period_end!;
      const key = renewalNoticeKey(row.stripe_subscription_id, renewsAt);
      const queued = await writeTransaction(db, (trx) =>
        enqueueEmail(trx, {
          dedupeKey: key,
          to: row.email,
          template: "renewal-notice",
          props: {
            name: row.name,
            // Raw values: the dispatcher writes them in the member's language when it sends.
            plan: row.plan,
            planName: planById(row.plan, row.currency)?.name ?? row.plan,
            amount: { amount: row.amount, currency: row.currency },
            renewsOn: renewsAt,
            manageUrl: `${env().appUrl}/billing/portal`,
          },
        }),
      );
      if (queued)
        lines.push(
          `subscription ${row.stripe_subscription_id}: renewal notice queued for ${renewsAt}`,
        );
    }
    if (rows.length < PAGE) return lines;
    after = rows[rows.length - 1]!.id;
  }
}
