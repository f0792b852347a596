import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSubscriptionCheckout } from "../../app/billing/subscription-checkout.server";
import { startCheckout } from "../../app/payments/checkout.server";
import { confirmCheckoutReturn } from "../../app/payments/success.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import type { User } from "../../db/schema";
import { createUser, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import { webhookRequest } from "../support/stripe-events";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

// Three tabs paid before any webhook arrives (decision 17): the monthly, yearly and paid-once
// Checkouts of one member are all paid at the stand-in, then their events are delivered by
// hand in every order, each more than once, and two at once. Whatever the order, the first
// completed purchase by Stripe's time stands and the others are ended at Stripe.

export type Tab = "monthly" | "yearly" | "once";
/** The six orders of the three tabs. */
export const ORDERS: Tab[][] = [
  ["monthly", "yearly", "once"],
  ["monthly", "once", "yearly"],
  ["yearly", "monthly", "once"],
  ["yearly", "once", "monthly"],
  ["once", "monthly", "yearly"],
  ["once", "yearly", "monthly"],
];
const RUNNING = ["trialing", "active", "past_due"];

/** The member's Stripe customer id. */
export async function customerOf(app: TestAppWithStripe, user: User): Promise<string> {
  const row = await app.db
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  return row.stripe_customer_id;
}

/** One member's monthly, yearly and paid-once Checkouts, open in three tabs: URLs and session ids. */
export async function openThreeTabs(app: TestAppWithStripe, user: User) {
  const urls = new Map<Tab, string>();
  const sessions = new Map<Tab, string>();
  for (const tab of ["monthly", "yearly", "once"] as Tab[]) {
    const started =
      tab === "once"
        ? await startCheckout(app.db, app.stripe, user, new Date())
        : await startSubscriptionCheckout(app.db, app.stripe, user, tab, new Date());
    if (started.kind !== "redirect") throw new Error(`${tab}: ${started.kind}`);
    urls.set(tab, started.url);
    const plan = tab === "once" ? "talent_annual_membership" : `talent_${tab}`;
    const row = await app.db
      .selectFrom("payments")
      .select("stripe_checkout_session_id")
      .where("user_id", "=", user.id)
      .where("plan", "=", plan)
      .executeTakeFirstOrThrow();
    sessions.set(tab, row.stripe_checkout_session_id!);
  }
  return { urls, sessions };
}

export function threeTabsSuite(trialDays: number): void {
  let app: TestAppWithStripe;
  const delivered = new Set<string>();
  beforeAll(async () => {
    // No forwarding: the test delivers every event itself, in the order it chooses.
    app = await setupTestAppWithStripe({ env: { TRIAL_DAYS: String(trialDays) } });
  });
  afterAll(async () => {
    await app.close();
  });

  /** Events the stand-in made that the test has not delivered yet, oldest first. */
  async function undelivered(): Promise<Stripe.Event[]> {
    const events: Stripe.Event[] = [];
    for await (const event of app.stripe.events.list({ limit: 100 }))
      if (!delivered.has(event.id)) events.push(event);
    return events.reverse();
  }

  async function deliver(event: Stripe.Event): Promise<void> {
    delivered.add(event.id);
    const response = await webhookAction(args(webhookRequest(event)));
    expect(response.status, `${event.type} ${event.id}`).toBe(200);
  }

  /** Delivers what the app's own Stripe calls caused until nothing new comes, each twice. */
  async function drain(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      const events = await undelivered();
      if (events.length === 0) return;
      for (const event of events.reverse()) await deliver(event);
      for (const event of events) await deliver(event);
    }
    throw new Error("events kept coming");
  }

  /** Moves the stand-in's clock (Stripe's `created` times) on. */
  async function advanceStripeClock(seconds: number): Promise<void> {
    const response = await fetch(`${app.sim.url}/_sim/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advance_seconds: seconds }),
    });
    expect(response.status).toBe(200);
  }

  /**
   * Opens the three Checkouts, then pays them in `payOrder`: a few seconds apart on Stripe's
   * clock when `apart`, else in the same second (the tie-break then decides).
   */
  async function payThreeTabs(user: User, payOrder: Tab[], apart: boolean) {
    const { urls, sessions } = await openThreeTabs(app, user);
    for (const tab of payOrder) {
      expect((await payOnHostedPage(urls.get(tab)!)).status).toBe(303);
      if (apart) await advanceStripeClock(5);
    }
    return sessions;
  }

  /** The first completed purchase by Stripe's time (same second: the smaller Stripe id). */
  async function expectedWinner(sessions: Map<Tab, string>) {
    const products: Array<{ tab: Tab; at: number; id: string; charged: number }> = [];
    for (const [tab, id] of sessions) {
      const session = await app.stripe.checkout.sessions.retrieve(id, {
        expand: ["payment_intent", "subscription.latest_invoice"],
      });
      if (tab === "once") {
        const intent = session.payment_intent as Stripe.PaymentIntent;
        products.push({ tab, at: intent.created, id: intent.id, charged: intent.amount });
      } else {
        const sub = session.subscription as Stripe.Subscription;
        const invoice = sub.latest_invoice as Stripe.Invoice;
        products.push({ tab, at: sub.created, id: sub.id, charged: invoice.amount_paid });
      }
    }
    products.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return products[0]!;
  }

  async function outcome(user: User) {
    const customer = await customerOf(app, user);
    const running = (await app.stripe.subscriptions.list({ customer, status: "all" })).data
      .filter((s) => RUNNING.includes(s.status))
      .map((s) => s.id);
    const years = await app.db
      .selectFrom("payments")
      .select(["status", "access_ends_at"])
      .where("user_id", "=", user.id)
      .where("plan", "=", "talent_annual_membership")
      .execute();
    const charges = (await app.stripe.charges.list({ customer, limit: 100 })).data.filter(
      (c) => c.paid,
    );
    const refunds = (await app.stripe.refunds.list({ limit: 100 })).data.filter((r) =>
      charges.some((c) => c.id === r.charge),
    );
    const emails = await app.db
      .selectFrom("email_outbox")
      .select("template")
      .where("to_email", "=", user.email)
      .execute();
    const conflicts = await app.db
      .selectFrom("membership_conflicts")
      .select(["kept", "resolved", "action", "refund_amount"])
      .where("user_id", "=", user.id)
      .orderBy("resolved")
      .execute();
    return {
      running,
      years,
      charged: charges.reduce((sum, c) => sum + c.amount, 0),
      net: charges.reduce((sum, c) => sum + c.amount - c.amount_refunded, 0),
      refunded: refunds
        .filter((r) => r.status === "succeeded")
        .reduce((sum, r) => sum + r.amount, 0),
      templates: emails.map((e) => e.template).sort(),
      conflicts,
      user: await reloadUser(app.db, user.id),
    };
  }

  async function expectOneMembership(user: User, sessions: Map<Tab, string>) {
    const winner = await expectedWinner(sessions);
    const after = await outcome(user);
    const winnerKey =
      winner.tab === "once"
        ? `payment:${
            (
              await app.db
                .selectFrom("payments")
                .select("id")
                .where("stripe_checkout_session_id", "=", sessions.get("once")!)
                .executeTakeFirstOrThrow()
            ).id
          }`
        : `subscription:${winner.id}`;

    // Exactly one running product: the first completed purchase.
    expect(after.running).toEqual(winner.tab === "once" ? [] : [winner.id]);
    expect(after.years.map((y) => y.status)).toEqual([winner.tab === "once" ? "paid" : "refunded"]);
    // Net charged at Stripe is that one plan; everything else was refunded.
    expect(after.net).toBe(winner.charged);
    expect(after.refunded).toBe(after.charged - winner.charged);
    // Two products ended, each recorded and explained once; no second "Your refund" email.
    expect(after.conflicts).toHaveLength(2);
    expect(after.conflicts.every((c) => c.kept === winnerKey)).toBe(true);
    const ended = after.conflicts.reduce((sum, c) => sum + (c.refund_amount ?? 0), 0);
    expect(ended).toBe(after.charged - winner.charged);
    expect(after.templates.filter((t) => t === "membership-conflict")).toHaveLength(2);
    expect(after.templates).not.toContain("refund");
    expect(after.templates.filter((t) => t === "payment-confirmation")).toHaveLength(
      winner.tab === "once" ? 1 : 0,
    );
    // The member's access is the winner's.
    expect(after.user.subscription_status).toBe("ACTIVE");
    if (winner.tab === "once") {
      expect(after.user.access_expires_at).toBe(after.years[0]!.access_ends_at);
    } else {
      const sub = await app.stripe.subscriptions.retrieve(winner.id);
      const end = Math.max(
        sub.items.data[0]!.current_period_end,
        sub.status === "trialing" ? (sub.trial_end ?? 0) : 0,
      );
      expect(after.user.access_expires_at).toBe(new Date(end * 1000).toISOString());
    }
    return after;
  }

  describe(`three tabs paid before any webhook (TRIAL_DAYS=${trialDays})`, () => {
    it.each(ORDERS)(
      "completions delivered %s, %s, %s, each twice, the rest latest first: the first paid (delivered last) stands, the others are refunded",
      async (...order: Tab[]) => {
        const user = await createUser(app.db, { role: "talent" });
        // Paid in another order than delivered: the first paid's webhook comes last.
        const payOrder = [order[2]!, order[0]!, order[1]!];
        const sessions = await payThreeTabs(user, payOrder, true);
        expect((await expectedWinner(sessions)).tab).toBe(payOrder[0]);
        const batch = await undelivered();
        const completion = (tab: Tab) =>
          batch.find(
            (e) =>
              e.type === "checkout.session.completed" &&
              (e.data.object as Stripe.Checkout.Session).id === sessions.get(tab),
          )!;
        for (const tab of order) {
          await deliver(completion(tab));
          await deliver(completion(tab));
        }
        // Everything else the payments caused, the latest first, then again oldest first.
        const rest = batch.filter((e) => !order.some((tab) => completion(tab) === e));
        for (const event of [...rest].reverse()) await deliver(event);
        for (const event of rest) await deliver(event);
        await drain();
        const first = await expectOneMembership(user, sessions);

        // Every event of the member once more, in reverse: nothing changes.
        for (const event of [...batch].reverse()) await deliver(event);
        await drain();
        expect(await outcome(user)).toEqual(first);
      },
    );

    it("the year's success page opened before any webhook, the monthly paid first: refunded there, never fulfilled; then the monthly stands", async () => {
      const user = await createUser(app.db, { role: "talent" });
      const sessions = await payThreeTabs(user, ["monthly", "once", "yearly"], true);
      const page = await confirmCheckoutReturn(
        app.db,
        app.stripe,
        user,
        sessions.get("once")!,
        new Date(),
      );
      expect(page).toMatchObject({ kind: "problem", status: 409 });
      const year = await app.db
        .selectFrom("payments")
        .select("status")
        .where("stripe_checkout_session_id", "=", sessions.get("once")!)
        .executeTakeFirstOrThrow();
      expect(year.status).toBe("refunded");
      const batch = await undelivered();
      for (const event of [...batch].reverse()) await deliver(event);
      await drain();
      expect((await expectOneMembership(user, sessions)).running).toHaveLength(1);
      expect((await expectedWinner(sessions)).tab).toBe("monthly");
    });

    it("paid in the same second, the three completions delivered at once (and again at once): one product stands", async () => {
      const user = await createUser(app.db, { role: "talent" });
      const sessions = await payThreeTabs(user, ["monthly", "yearly", "once"], false);
      const batch = await undelivered();
      const completions: Stripe.Event[] = batch.filter(
        (e) => e.type === "checkout.session.completed",
      );
      expect(completions).toHaveLength(3);
      await Promise.all([...completions, ...completions].map((e) => deliver(e)));
      const rest = batch.filter((e) => !completions.includes(e));
      await Promise.all(rest.map((e) => deliver(e)));
      await drain();
      await expectOneMembership(user, sessions);
    });
  });
}
