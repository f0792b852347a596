import { listAudit } from "./audit.server";
import { listComplimentary } from "./complimentary.server";
import type { DB } from "../../db/schema";

const DETAIL_ROWS = 100;

/**
 * Everything the console shows about one member, each list bounded and read through an index
 * on the member (user_id, to_email, target_user_id). Null for an unknown id.
 */
export async function memberDetail(database: DB, userId: number) {
  const user = await database
    .selectFrom("users")
    .select([
      "id",
      "name",
      "email",
      "role",
      "subscription_status",
      "access_expires_at",
      "is_staff",
      "created_at",
      "updated_at",
    ])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) return null;
  const [payments, subscriptions, invoices, customers, emails, complimentary, audit] =
    await Promise.all([
      database
        .selectFrom("payments")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("created_at", "desc")
        .limit(DETAIL_ROWS)
        .execute(),
      database
        .selectFrom("subscriptions")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("id", "desc")
        .limit(DETAIL_ROWS)
        .execute(),
      database
        .selectFrom("invoices")
        .selectAll()
        .where("user_id", "=", userId)
        .orderBy("stripe_created_at", "desc")
        .limit(DETAIL_ROWS)
        .execute(),
      database
        .selectFrom("stripe_customers")
        .select(["stripe_customer_id", "email", "stripe_test_clock_id"])
        .where("user_id", "=", userId)
        .execute(),
      database
        .selectFrom("email_outbox")
        .select([
          "id",
          "dedupe_key",
          "template",
          "subject",
          "status",
          "attempts",
          "last_error",
          "created_at",
          "sent_at",
          "body_dropped_at",
          "props",
          "html",
        ])
        .where("to_email", "=", user.email)
        .orderBy("id", "desc")
        .limit(DETAIL_ROWS)
        .execute(),
      listComplimentary(database, userId),
      listAudit(database, { targetUserId: userId, limit: DETAIL_ROWS }),
    ]);
  const subscriptionIds = subscriptions.map((s) => s.stripe_subscription_id);
  const history =
    subscriptionIds.length === 0
      ? []
      : await database
          .selectFrom("subscription_status_history")
          .selectAll()
          .where("stripe_subscription_id", "in", subscriptionIds)
          .orderBy("id", "desc")
          .limit(DETAIL_ROWS)
          .execute();
  // The Stripe events that concerned the member: those whose sync changed their subscriptions.
  const eventIds = [...new Set(history.map((h) => h.cause).filter((c) => c.startsWith("evt_")))];
  const events =
    eventIds.length === 0
      ? []
      : await database
          .selectFrom("stripe_webhook_events")
          .selectAll()
          .where("event_id", "in", eventIds)
          .orderBy("id", "desc")
          .execute();
  return {
    user,
    payments,
    subscriptions,
    invoices,
    customers,
    emails,
    complimentary,
    history,
    events,
    audit: audit.entries,
  };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof memberDetail>>>;
