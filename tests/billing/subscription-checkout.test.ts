import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_UNREACHABLE } from "../../app/billing/subscription-checkout.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { loader as successLoader } from "../../app/routes/billing.success";
import { loader as dashboardLoader } from "../../app/routes/dashboard.$role";
import {
  action as payAction,
  loader as payLoader,
} from "../../app/routes/dashboard.$role_.payment";
import type { User } from "../../db/schema";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import { stripeEvent, webhookRequest } from "../support/stripe-events";
import { renderedEmails } from "../support/billing";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";
import { english } from "../support/messages";

let app: TestAppWithStripe;
let hook: RouteServer;
beforeAll(async () => {
  hook = await serveRoute((request) => webhookAction(args(request)));
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20, maxAttempts: 5 },
  });
});
afterAll(async () => {
  await app.close();
  await hook.close();
});

type PayPage = {
  options: { choice: string; label: string; price: string; next: string; submitLabel: string }[];
  subscribed: boolean;
  canPay: boolean;
};

async function submit(user: User, cookie: string, fields: Record<string, string>) {
  return run<{ error: string }>(() =>
    payAction(
      args(formRequest(`/dashboard/${user.role}/payment`, fields, cookie), { role: user.role }),
    ),
  );
}

describe("subscription-mode Checkout from the payment page", () => {
  it("offers paid once (default), Monthly and Yearly with the catalog's prices and what happens next", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const page = await run<PayPage>(() =>
      payLoader(args(getRequest("/dashboard/talent/payment", cookie), { role: "talent" })),
    );
    expect(page.data?.options).toEqual([
      expect.objectContaining({
        choice: "once",
        label: expect.stringContaining("paid once"),
        price: "MAD\u00a0300.00 for one year",
        submitLabel: "Pay MAD\u00a0300.00",
      }),
      expect.objectContaining({
        choice: "monthly",
        label: expect.stringContaining("Monthly"),
        next: "180 days free, then MAD\u00a030.00 a month. Cancel any time.",
        submitLabel: "Start free trial",
      }),
      expect.objectContaining({
        choice: "yearly",
        label: expect.stringContaining("Yearly"),
        next: "180 days free, then MAD\u00a0300.00 a year. Cancel any time.",
        submitLabel: "Start free trial",
      }),
    ]);
  });

  it("starts a monthly trial: session in subscription mode at the catalog price, then a trialing subscription and a confirmation", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await submit(user, cookie, {
      plan: "monthly",
      amount: "1",
      price: "price_cheap",
      currency: "usd",
    });
    expect(outcome.status).toBe(303);
    const location = outcome.headers.get("Location")!;
    const [payment] = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(payment).toMatchObject({
      status: "pending",
      plan: "professional_monthly",
      amount: 15000,
      currency: "mad",
      checkout_url: location,
    });

    const session = await app.stripe.checkout.sessions.retrieve(
      payment!.stripe_checkout_session_id!,
      { expand: ["line_items"] },
    );
    expect(session).toMatchObject({ mode: "subscription", client_reference_id: String(user.id) });
    expect(session.metadata).toMatchObject({
      user_id: String(user.id),
      plan: "professional_monthly",
      payment_id: String(payment!.id),
    });
    expect(session.line_items?.data[0]?.price).toMatchObject({
      unit_amount: 15000,
      currency: "mad",
      lookup_key: "talents_acting_professional_monthly_mad",
    });

    const paid = await payOnHostedPage(location, { email: user.email });
    expect(paid.status).toBe(303);
    await app.sim.idle();

    const subscription = await app.db
      .selectFrom("subscriptions")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(subscription).toMatchObject({
      status: "trialing",
      plan: "professional_monthly",
      amount: 15000,
    });
    expect(Date.parse(subscription.trial_end!) - Date.parse(subscription.trial_start!)).toBe(
      180 * 24 * 3600 * 1000,
    );
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh).toMatchObject({
      subscription_status: "ACTIVE",
      access_expires_at: subscription.trial_end,
    });
    expect(
      (
        await app.db
          .selectFrom("payments")
          .select("status")
          .where("id", "=", payment!.id)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe("paid");
    const emails = await renderedEmails(app.db, user.email);
    expect(emails.map((e) => e.subject)).toEqual([
      "Your free trial has started: Professional access, monthly",
    ]);

    const success = await run<{
      result: { kind: string; trialEndsOn: string | null; price: string };
    }>(() => successLoader(args(getRequest(`/billing/success?session_id=${session.id}`, cookie))));
    expect(success.status).toBe(200);
    expect(success.data?.result).toMatchObject({
      kind: "started",
      price: "MAD\u00a0150.00 a month",
    });
    expect(success.data?.result.trialEndsOn).toMatch(/\d{4}$/);

    // The dashboard's payment history lists charges: the trial has none yet.
    const dashboard = await run<{ member: { history: unknown[]; statusLine: string } }>(() =>
      dashboardLoader(
        args(getRequest("/dashboard/professional", cookie), { role: "professional" }),
      ),
    );
    expect(dashboard.data?.member.history).toEqual([]);
    expect(dashboard.data?.member.statusLine).toMatch(/^Free trial until /);

    // A running subscription is not offered a second one, in the page or the action.
    const page = await run<PayPage>(() =>
      payLoader(
        args(getRequest("/dashboard/professional/payment", cookie), { role: "professional" }),
      ),
    );
    expect(page.data).toMatchObject({ subscribed: true, canPay: false, options: [] });
    const again = await submit(user, cookie, { plan: "yearly" });
    expect(again.status).toBe(409);
    expect(english(again.data?.error)).toMatch(/billing page/);
    const paidOnce = await submit(user, cookie, { plan: "once" });
    expect(paidOnce.status).toBe(409);
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(1);
  });

  it("a member whose first subscription ended gets no second trial: the button says Subscribe", async () => {
    const user = await createUser(app.db, { role: "company" });
    const cookie = await sessionCookieFor(app.db, user);
    const first = await submit(user, cookie, { plan: "yearly" });
    await payOnHostedPage(first.headers.get("Location")!, { email: user.email });
    await app.sim.idle();
    const row = await app.db
      .selectFrom("subscriptions")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    await app.stripe.subscriptions.cancel(row.stripe_subscription_id);
    await app.sim.idle();
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("CANCELLED");

    const page = await run<PayPage>(() =>
      payLoader(args(getRequest("/dashboard/company/payment", cookie), { role: "company" })),
    );
    expect(page.data?.options.map((o) => o.submitLabel)).toEqual([
      "Pay MAD\u00a03,500.00",
      "Pay MAD\u00a0350.00 and subscribe",
      "Pay MAD\u00a03,500.00 and subscribe",
    ]);
    const second = await submit(user, cookie, { plan: "monthly" });
    expect(second.status).toBe(303);
    const payment = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .where("plan", "=", "company_monthly")
      .executeTakeFirstOrThrow();
    const session = await app.stripe.checkout.sessions.retrieve(
      payment.stripe_checkout_session_id!,
    );
    expect(session.mode).toBe("subscription");
    await payOnHostedPage(second.headers.get("Location")!, { email: user.email });
    await app.sim.idle();
    const subscriptions = await app.db
      .selectFrom("subscriptions")
      .selectAll()
      .where("user_id", "=", user.id)
      .orderBy("id")
      .execute();
    expect(subscriptions.map((s) => [s.plan, s.status, s.trial_end])).toEqual([
      ["company_yearly", "canceled", expect.any(String)],
      ["company_monthly", "active", null],
    ]);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });

  it("no event of a subscription Checkout reaches the annual fulfilment", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await submit(user, cookie, { plan: "yearly" });
    await payOnHostedPage(outcome.headers.get("Location")!, { email: user.email });
    await app.sim.idle();
    const before = await reloadUser(app.db, user.id);
    const payment = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    const session = await app.stripe.checkout.sessions.retrieve(
      payment.stripe_checkout_session_id!,
    );
    for (const type of ["checkout.session.async_payment_succeeded", "checkout.session.completed"]) {
      const response = await webhookAction(args(webhookRequest(stripeEvent(type, session))));
      expect(response.status).toBe(200);
    }
    const after = await reloadUser(app.db, user.id);
    expect(after.access_expires_at).toBe(before.access_expires_at);
    const subjects = (await renderedEmails(app.db, user.email)).map((e) => e.subject);
    expect(subjects).toEqual(["Your free trial has started: Talent membership, yearly"]);
    expect(
      await app.db
        .selectFrom("payments")
        .select("access_ends_at")
        .where("user_id", "=", user.id)
        .execute(),
    ).toEqual([{ access_ends_at: null }]);
  });

  it("the same double submit makes one session", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const [a, b] = await Promise.all([
      submit(user, cookie, { plan: "monthly" }),
      submit(user, cookie, { plan: "monthly" }),
    ]);
    expect(a.headers.get("Location")).toBe(b.headers.get("Location"));
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(1);
  });
});

describe("Stripe outage during subscription checkout", () => {
  it("answers 502 'Stripe is unreachable, nothing was charged, try again' and writes nothing", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    // Catalog already synced; the Checkout call itself fails.
    await app.sim.close();
    const outcome = await submit(user, cookie, { plan: "monthly" });
    expect(outcome.status).toBe(502);
    expect(outcome.data?.error).toBe(STRIPE_UNREACHABLE);
    expect(english(STRIPE_UNREACHABLE)).toMatch(
      /^Stripe is unreachable, nothing was charged, try again/,
    );
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toEqual([]);
  });
});
