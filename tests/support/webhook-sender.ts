import type Stripe from "stripe";
import { expect } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { createPendingPayment, createUser } from "./factories";
import { sessionForPayment, signatureFor, stripeEvent } from "./stripe-events";

// Stripe's side of the outage tests: paid checkouts whose completion events are delivered to a
// server process over HTTP, each signed afresh, and retried until a 2xx as Stripe retries.

/** A response slower than this fails the test instead of hanging it. */
const REQUEST_LIMIT_MS = 30_000;

export interface Delivery {
  status: number;
  ms: number;
}

export async function paidCheckoutEvents(
  db: Kysely<Database>,
  count: number,
  label: string,
): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for (let i = 0; i < count; i++) {
    const user = await createUser(db, { email: `${label}-${i}@example.test` });
    const payment = await createPendingPayment(db, user);
    const session = sessionForPayment(payment, {});
    events.push(stripeEvent("checkout.session.completed", session));
  }
  return events;
}

export async function deliver(baseUrl: string, event: Stripe.Event): Promise<Delivery> {
  const body = JSON.stringify(event);
  const started = performance.now();
  try {
    const response = await fetch(`${baseUrl}/api/webhooks/stripe`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signatureFor(body) },
      body,
      signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  } catch (error) {
    if ((error as Error).name === "TimeoutError")
      return { status: -1, ms: performance.now() - started };
    return { status: 0, ms: performance.now() - started };
  }
}

/** Delivers until the server answers 2xx, as Stripe retries; every answer is kept. */
export async function deliverUntilAccepted(
  baseUrl: string,
  event: Stripe.Event,
  answers: Delivery[] = [],
  deadlineMs = 120_000,
): Promise<Delivery[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const answer = await deliver(baseUrl, event);
    answers.push(answer);
    if (answer.status >= 200 && answer.status < 300) return answers;
    if (Date.now() > deadline)
      throw new Error(`${event.id} never accepted: ${JSON.stringify(answers)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `fn` over `items` with at most `width` at a time. */
export async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Every event applied once: each payment paid with one access year, one confirmation queued, each event recorded processed once. */
export async function expectEachProcessedOnce(
  db: Kysely<Database>,
  events: Stripe.Event[],
): Promise<void> {
  const sessionIds = events.map((e) => (e.data.object as Stripe.Checkout.Session).id);
  const payments = await db
    .selectFrom("payments")
    .innerJoin("users", "users.id", "payments.user_id")
    .select([
      "payments.status",
      "payments.access_ends_at",
      "users.access_expires_at",
      "users.subscription_status",
      "payments.user_id",
    ])
    .where("payments.stripe_checkout_session_id", "in", sessionIds)
    .execute();
  expect(payments).toHaveLength(events.length);
  for (const p of payments) {
    expect(p.status).toBe("paid");
    expect(p.subscription_status).toBe("ACTIVE");
    // a second fulfilment would have added a second year
    expect(p.access_expires_at).toBe(p.access_ends_at);
  }
  const rows = await db
    .selectFrom("stripe_webhook_events")
    .select(["event_id", "processed"])
    .where(
      "event_id",
      "in",
      events.map((e) => e.id),
    )
    .execute();
  expect(rows).toHaveLength(events.length);
  expect(rows.every((r) => r.processed === 1)).toBe(true);
  const outbox = await db
    .selectFrom("email_outbox")
    .select(["dedupe_key"])
    .where("dedupe_key", "like", "payment-confirmation:%")
    .where(
      "to_email",
      "in",
      (
        await db
          .selectFrom("users")
          .select("email")
          .where(
            "id",
            "in",
            payments.map((p) => p.user_id),
          )
          .execute()
      ).map((u) => u.email),
    )
    .execute();
  expect(outbox).toHaveLength(events.length);
}
