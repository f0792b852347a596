import { listAudit } from "./audit.server";
import { listComplimentary } from "./complimentary.server";
import type { DB } from "../../db/schema";

const DETAIL_ROWS = 100;
export const EVENTS_PAGE_SIZE = 50;

/**
 * The Stripe events that concerned a member, newest first, a page of `limit` by keyset on the
 * ledger's id: those whose object belongs to one of the member's customers (Checkout Sessions,
 * PaymentIntents, charges, invoices, subscriptions, the customer itself) or to one of their
 * PaymentIntents (refunds, disputes), and the events that changed one of their subscriptions
 * (ledger rows older than migration 83 record neither id). Each of the two reads walks its partial index on
 * (customer or PaymentIntent, id) from the newest and stops after a page.
 */
export async function memberEvents(
  database: DB,
  subject: {
    customers: (string | null)[];
    paymentIntents: (string | null)[];
    /** event ids known otherwise (the causes of subscription status changes) */
    eventIds?: string[];
    before: number | null;
  },
  limit = EVENTS_PAGE_SIZE,
) {
  const ids = (values: (string | null)[]) => [
    ...new Set(values.filter((v): v is string => v !== null && v !== "")),
  ];
  const read = (
    column: "stripe_customer_id" | "stripe_payment_intent_id" | "event_id",
    values: string[],
  ) => {
    if (values.length === 0) return Promise.resolve([]);
    let select = database
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where(column, "in", values)
      .orderBy("id", "desc")
      .limit(limit + 1);
    if (subject.before !== null) select = select.where("id", "<", subject.before);
    return select.execute();
  };
  const found = await Promise.all([
    read("stripe_customer_id", ids(subject.customers)),
    read("stripe_payment_intent_id", ids(subject.paymentIntents)),
    read("event_id", ids(subject.eventIds ?? [])),
  ]);
  const merged = new Map(found.flat().map((e) => [e.id, e]));
  const rows = [...merged.values()].sort((a, b) => b.id - a.id).slice(0, limit + 1);
  const events = rows.slice(0, limit);
  return { events, next: rows.length > limit ? (events.at(-1)?.id ?? null) : null };
}

/**
 * Everything the console shows about one member, each list bounded and read through an index
 * on the member (user_id, to_email, target_user_id, their customers and PaymentIntents), the
 * events a page from `eventsBefore` (a ledger id). Null for an unknown id.
 */
export async function memberDetail(
  database: DB,
  userId: number,
  eventsBefore: number | null = null,
) {
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
  const events = await memberEvents(database, {
    customers: [
      ...customers.map((c) => c.stripe_customer_id),
      ...payments.map((p) => p.stripe_customer_id),
    ],
    paymentIntents: payments.map((p) => p.stripe_payment_intent_id),
    eventIds: history.map((h) => h.cause).filter((cause) => cause.startsWith("evt_")),
    before: eventsBefore,
  });
  return {
    user,
    payments,
    subscriptions,
    invoices,
    customers,
    emails,
    complimentary,
    history,
    events: events.events,
    eventsNext: events.next,
    audit: audit.entries,
  };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof memberDetail>>>;
