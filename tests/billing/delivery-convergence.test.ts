import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stripe } from "../../app/lib/stripe.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import type { Database, User } from "../../db/schema";
import { createUser, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest } from "../support/stripe-events";
import {
  clockNow,
  DAY,
  emailKeys,
  moveClock,
  subscribe,
  setupBillingApp,
  type BillingTestApp,
} from "../support/billing";

// The same full lifecycle for two members: one with every event delivered once and in order,
// one with every event delivered three times and shuffled. The rows must end the same.
let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

async function lifecycle(user: User): Promise<{ start: number; subscriptionId: string }> {
  const { subscription, clockId } = await subscribe(app.db, app.stripe, user, { trialDays: 7 });
  await app.sim.idle();
  const start = await clockNow(app.stripe, clockId);
  await moveClock(app.stripe, app.sim, clockId, start + 5 * DAY);
  await moveClock(app.stripe, app.sim, clockId, start + 7 * DAY + 2 * 3600);
  const renewed = await app.stripe.subscriptions.update(subscription.id, {
    cancel_at_period_end: true,
  });
  await app.sim.idle();
  await moveClock(app.stripe, app.sim, clockId, renewed.items.data[0]!.current_period_end + 60);
  return { start, subscriptionId: subscription.id };
}

/** The member's rows with times as offsets from the clock's start and ids left out. */
async function snapshot(db: Kysely<Database>, user: User, start: number) {
  const offset = (value: string | null) =>
    value === null ? null : Date.parse(value) / 1000 - start;
  const subscriptions = await db
    .selectFrom("subscriptions")
    .selectAll()
    .where("user_id", "=", user.id)
    .execute();
  const invoices = await db
    .selectFrom("invoices")
    .selectAll()
    .where("user_id", "=", user.id)
    .orderBy("stripe_created_at")
    .orderBy("number")
    .execute();
  const fresh = await reloadUser(db, user.id);
  return {
    subscriptions: subscriptions.map((s) => ({
      status: s.status,
      plan: s.plan,
      amount: s.amount,
      card: `${s.card_brand} ${s.card_last4}`,
      cancel_at_period_end: s.cancel_at_period_end,
      reason: s.cancellation_reason,
      periods: [
        s.current_period_start,
        s.current_period_end,
        s.trial_start,
        s.trial_end,
        s.cancel_at,
        s.canceled_at,
        s.ended_at,
      ].map(offset),
    })),
    invoices: invoices.map((i) => ({
      status: i.status,
      reason: i.billing_reason,
      due: i.amount_due,
      paid: i.amount_paid,
      period: [offset(i.period_start), offset(i.period_end), offset(i.paid_at)],
    })),
    user: { status: fresh.subscription_status, expires: offset(fresh.access_expires_at) },
    emails: (await emailKeys(db, user.email)).sort(),
  };
}

describe("delivery order and duplicates do not change the outcome", () => {
  it("a full lifecycle delivered shuffled and three times over ends in the same rows as in-order delivery", async () => {
    const inOrder = await createUser(app.db, { role: "talent" });
    app.sim.setKnobs({ duplicates: 1, shuffle: false });
    const a = await lifecycle(inOrder);

    const shuffled = await createUser(app.db, { role: "talent" });
    app.sim.setKnobs({ duplicates: 3, shuffle: true });
    const b = await lifecycle(shuffled);
    app.sim.setKnobs({ duplicates: 1, shuffle: false });

    const expected = await snapshot(app.db, inOrder, a.start);
    expect(expected.subscriptions[0]?.status).toBe("canceled");
    expect(expected.user.status).toBe("CANCELLED");
    expect(expected.invoices.map((i) => i.reason)).toEqual([
      "subscription_create",
      "subscription_cycle",
    ]);
    expect(expected.emails).toEqual([
      "renewal-receipt:in",
      "subscription-cancelled:sub",
      "subscription-started:sub",
      "trial-ending:sub:<date>",
    ]);
    expect(await snapshot(app.db, shuffled, b.start)).toEqual(expected);
    expect(app.hook.statuses.every((s) => s === 200)).toBe(true);

    // Every event id was recorded once and processed, however many times it came.
    const failed = await app.db
      .selectFrom("stripe_webhook_events")
      .select("event_id")
      .where("processed", "=", 0)
      .execute();
    expect(failed).toEqual([]);
  });

  it("an old event arriving after newer ones (a late retry) does not roll the rows back", async () => {
    const user = await createUser(app.db, { role: "company" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const old = await app.stripe.subscriptions.retrieve(subscription.id);
    await app.stripe.subscriptions.cancel(subscription.id);
    await app.sim.idle();
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("CANCELLED");

    // A never-seen event carrying the subscription as it was while active.
    const late = stripeEvent("customer.subscription.updated", old);
    const response = await webhookAction(args(webhookRequest(late)));
    expect(response.status).toBe(200);
    const row = await app.db
      .selectFrom("subscriptions")
      .selectAll()
      .where("stripe_subscription_id", "=", subscription.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("canceled");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("CANCELLED");
    const ledger = await app.db
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where("event_id", "=", late.id)
      .executeTakeFirstOrThrow();
    expect(ledger.processed).toBe(1);
    expect(ledger.note).toContain("subscription synced: canceled");
  });

  it("a repeated delivery of a processed event reads nothing from Stripe", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const event = stripeEvent("customer.subscription.updated", subscription);
    const retrieve = vi.spyOn(stripe().subscriptions, "retrieve");
    try {
      expect((await webhookAction(args(webhookRequest(event)))).status).toBe(200);
      expect((await webhookAction(args(webhookRequest(event)))).status).toBe(200);
      expect(retrieve).toHaveBeenCalledTimes(1);
    } finally {
      retrieve.mockRestore();
    }
  });

  it("an invoice event for a customer this app did not create is recorded and ignored", async () => {
    const customer = await app.stripe.customers.create({ email: "stranger@example.test" });
    const { priceIdFor } = await import("../../app/billing/catalog-sync.server");
    const { recurringPlan } = await import("../../app/payments/catalog");
    const subscription = await app.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: await priceIdFor(recurringPlan("talent", "monthly", "MAD"), app.stripe) }],
      default_payment_method: "pm_card_visa",
    });
    await app.sim.idle();
    expect(
      await app.db
        .selectFrom("subscriptions")
        .select("id")
        .where("stripe_subscription_id", "=", subscription.id)
        .execute(),
    ).toEqual([]);
    const notes = await app.db
      .selectFrom("stripe_webhook_events")
      .select("note")
      .where("note", "like", `%${customer.id}%`)
      .execute();
    expect(notes.length).toBeGreaterThan(0);
  });
});
