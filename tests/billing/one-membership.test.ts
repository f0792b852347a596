import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import type { User } from "../../db/schema";
import { createUser, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import { customerOf, openThreeTabs, ORDERS, type Tab } from "./three-tabs-suite";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

let app: TestAppWithStripe;
let hook: RouteServer;
/** Sees every webhook answer before the stand-in does (a test sets it, then clears it). */
let onAnswer: ((response: Response) => Promise<void>) | null = null;
beforeAll(async () => {
  hook = await serveRoute(async (request) => {
    const response = await webhookAction(args(request));
    await onAnswer?.(response);
    return response;
  });
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20, maxAttempts: 8 },
    env: { TRIAL_DAYS: "0" },
  });
});
afterAll(async () => {
  await app.close();
  await hook.close();
});

async function runningProducts(user: User) {
  const customer = await customerOf(app, user);
  const running = (await app.stripe.subscriptions.list({ customer, status: "all" })).data.filter(
    (s) => ["active", "trialing", "past_due"].includes(s.status),
  );
  const years = await app.db
    .selectFrom("payments")
    .select(["id", "amount"])
    .where("user_id", "=", user.id)
    .where("plan", "=", "talent_annual_membership")
    .where("status", "=", "paid")
    .execute();
  const charges = (await app.stripe.charges.list({ customer, limit: 100 })).data.filter(
    (c) => c.paid,
  );
  const net = charges.reduce((sum, c) => sum + c.amount - c.amount_refunded, 0);
  return { running, years, net };
}

describe("one membership at a time", () => {
  it.each(ORDERS)(
    "three tabs paid one after the other (%s, %s, %s): the first completed expires the others; one product, one plan charged",
    async (...order: Tab[]) => {
      const user = await createUser(app.db, { role: "talent" });
      const urls = (await openThreeTabs(app, user)).urls;
      const paid: Tab[] = [];
      for (const tab of order) {
        if ((await payOnHostedPage(urls.get(tab)!)).status === 303) paid.push(tab);
        await app.sim.idle();
      }
      expect(paid).toEqual([order[0]]);
      const { running, years, net } = await runningProducts(user);
      expect(running.length + years.length).toBe(1);
      expect(net).toBe(years[0]?.amount ?? running[0]!.items.data[0]!.price.unit_amount!);
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    },
  );

  // All three paid before any webhook arrives, delivered in every order, twice and at once:
  // three-tabs.test.ts (every product charges) and three-tabs-trial.test.ts (free trials).
});

describe("expiring the other open Checkouts when Stripe fails", () => {
  it("the completed payment's event answers 5xx and writes nothing; Stripe's retry expires the others and fulfils once", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const urls = (await openThreeTabs(app, user)).urls;
    const sessionOf = async (plan: string) =>
      (
        await app.db
          .selectFrom("payments")
          .select("stripe_checkout_session_id")
          .where("user_id", "=", user.id)
          .where("plan", "=", plan)
          .executeTakeFirstOrThrow()
      ).stripe_checkout_session_id!;
    const monthly = await sessionOf("talent_monthly");
    const yearly = await sessionOf("talent_yearly");

    const stop = app.sim.failRequests({
      method: "POST",
      path: /^\/v1\/checkout\/sessions\/[^/]+\/expire$/,
    });
    const seenWhileDown: Array<{ status: number; payment: string; emails: number; open: number }> =
      [];
    onAnswer = async (response) => {
      if (response.status < 500) return;
      const payment = await app.db
        .selectFrom("payments")
        .select("status")
        .where("user_id", "=", user.id)
        .where("plan", "=", "talent_annual_membership")
        .executeTakeFirstOrThrow();
      const emails = await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute();
      const open = (
        await Promise.all([monthly, yearly].map((id) => app.stripe.checkout.sessions.retrieve(id)))
      ).filter((s) => s.status === "open").length;
      seenWhileDown.push({
        status: response.status,
        payment: payment.status,
        emails: emails.length,
        open,
      });
      // Stripe comes back: the stand-in's next attempt goes through.
      stop();
    };
    try {
      expect((await payOnHostedPage(urls.get("once")!)).status).toBe(303);
      await app.sim.idle();
    } finally {
      onAnswer = null;
      stop();
    }

    expect(seenWhileDown).toEqual([{ status: 500, payment: "pending", emails: 0, open: 2 }]);
    const failed = await app.db
      .selectFrom("stripe_webhook_events")
      .select(["processed", "attempt_count", "error_message"])
      .where("event_type", "=", "checkout.session.completed")
      .where("error_message", "like", "%injected failure%")
      .execute();
    expect(failed).toEqual([
      expect.objectContaining({ processed: 1, attempt_count: 2 }) as unknown,
    ]);
    for (const id of [monthly, yearly])
      expect((await app.stripe.checkout.sessions.retrieve(id)).status).toBe("expired");
    const rows = await app.db
      .selectFrom("payments")
      .select(["plan", "status"])
      .where("user_id", "=", user.id)
      .orderBy("plan")
      .execute();
    expect(rows).toEqual([
      { plan: "talent_annual_membership", status: "paid" },
      { plan: "talent_monthly", status: "expired" },
      { plan: "talent_yearly", status: "expired" },
    ]);
    const emails = await app.db
      .selectFrom("email_outbox")
      .select("template")
      .where("to_email", "=", user.email)
      .execute();
    expect(emails).toEqual([{ template: "payment-confirmation" }]);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });
});
