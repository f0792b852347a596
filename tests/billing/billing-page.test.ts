import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_BILLING_ACCOUNT } from "../../app/billing/portal.server";
import { STRIPE_UNREACHABLE } from "../../app/billing/subscription-checkout.server";
import { loader as portalLoader } from "../../app/routes/billing.portal";
import {
  action as billingAction,
  loader as billingLoader,
} from "../../app/routes/dashboard.$role_.billing";
import { loader as invoiceLoader } from "../../app/routes/dashboard.$role_.billing_.invoices.$invoiceId";
import type { User } from "../../db/schema";
import type { MemberSummary } from "../../app/billing/member-words.server";
import { createUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import {
  clockNow,
  DAY,
  moveClock,
  subscribe,
  subscriptionRow,
  setupBillingApp,
  type BillingTestApp,
} from "../support/billing";

let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

type View = { member: MemberSummary };

async function page(user: User, cookie: string) {
  const outcome = await run<View>(() =>
    billingLoader(args(getRequest(`/dashboard/${user.role}/billing`, cookie), { role: user.role })),
  );
  expect(outcome.status).toBe(200);
  return outcome.data!.member;
}

describe("/dashboard/$role/billing", () => {
  it("shows the plan, status in words, card and one history; follows the trial into renewal and cancellation", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, { trialDays: 14 });
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);

    let view = await page(user, cookie);
    expect(view).toMatchObject({
      planName: "Talent membership, monthly",
      price: "MAD\u00a030.00 a month",
      card: "Visa ending in 4242",
      canManageBilling: true,
      primary: { label: "Manage billing", method: "post" },
    });
    expect(view.statusLine).toMatch(/^Free trial until \d{1,2} \w+ \d{4}$/);
    expect(view.nextCharge).toMatch(/^MAD\s30\.00 on \d{1,2} \w+ \d{4}$/);
    // The trial's 0 MAD invoice is not a charge.
    expect(view.history).toHaveLength(0);

    await moveClock(app.stripe, app.sim, clockId, start + 14 * DAY + 2 * 3600);
    view = await page(user, cookie);
    expect(view.statusLine).toMatch(/^Active, renews on /);
    expect(view.history[0]).toMatchObject({
      description: "Talent membership, monthly, renewal",
      amount: "MAD\u00a030.00",
      statusLabel: "Paid",
    });
    expect(view.history[0]!.reference?.label).toMatch(/^[A-Z0-9]+-\d+$/);
    const invoicePath = view.history[0]!.reference!.href!;
    expect(invoicePath).toMatch(/^\/dashboard\/talent\/billing\/invoices\/in_/);

    // The invoice link answers the member's own invoice page at Stripe...
    const invoiceId = invoicePath.split("/").at(-1)!;
    const own = await run(() =>
      invoiceLoader(args(getRequest(invoicePath, cookie), { role: "talent", invoiceId })),
    );
    expect(own.status).toBe(303);
    const stored = await app.db
      .selectFrom("invoices")
      .selectAll()
      .where("stripe_invoice_id", "=", invoiceId)
      .executeTakeFirstOrThrow();
    expect(own.headers.get("Location")).toBe(stored.hosted_invoice_url);
    // ...and another member gets a 404 for it.
    const other = await createUser(app.db, { role: "talent" });
    const otherCookie = await sessionCookieFor(app.db, other);
    const foreign = await run(() =>
      invoiceLoader(args(getRequest(invoicePath, otherCookie), { role: "talent", invoiceId })),
    );
    expect(foreign.status).toBe(404);

    await app.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await app.sim.idle();
    view = await page(user, cookie);
    expect(view.statusLine).toMatch(/^Cancels on /);
    expect(view.nextCharge).toBeNull();

    const row = await subscriptionRow(app.db, subscription.id);
    await moveClock(app.stripe, app.sim, clockId, Date.parse(row.current_period_end!) / 1000 + 60);
    view = await page(user, cookie);
    expect(view.statusLine).toMatch(/^Cancelled, access ended on \d{1,2} \w+ \d{4}$/);
    expect(view.primary).toMatchObject({
      label: "Subscribe again",
      href: "/dashboard/talent/payment",
    });
  });

  it("after a failed payment: the retry date, the date access stops, update the card, pay the open invoice", async () => {
    const user = await createUser(app.db, { role: "company" });
    const cookie = await sessionCookieFor(app.db, user);
    const { clockId } = await subscribe(app.db, app.stripe, user, {
      trialDays: 3,
      card: "pm_card_chargeCustomerFail",
    });
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);
    await moveClock(app.stripe, app.sim, clockId, start + 3 * DAY + 2 * 3600);
    const view = await page(user, cookie);
    expect(view.statusLine).toBe("Payment failed");
    expect(view.warning).toMatch(/We will try again on \d{1,2} \w+ \d{4}\./);
    expect(view.warning).toMatch(/Your access stops on \d{1,2} \w+ \d{4}/);
    expect(view.primary).toMatchObject({ label: "Update your card", intent: "update_card" });
    expect(view.secondary?.label).toBe("Pay the open invoice (MAD\u00a0350.00)");
    expect(view.history[0]).toMatchObject({ statusLabel: "Due", amount: "MAD\u00a0350.00" });

    // Update your card: the portal opens on the card flow.
    const outcome = await run(() =>
      billingAction(
        args(formRequest("/dashboard/company/billing", { intent: "update_card" }, cookie), {
          role: "company",
        }),
      ),
    );
    expect(outcome.status).toBe(303);
    const portal = await fetch(outcome.headers.get("Location")!);
    expect(await portal.text()).toMatch(/payment method|card/i);

    // Pay the open invoice: the member's own invoice route, to the hosted invoice page.
    const invoiceId = view.secondary!.href.split("/").at(-1)!;
    const hosted = await run(() =>
      invoiceLoader(args(getRequest(view.secondary!.href, cookie), { role: "company", invoiceId })),
    );
    expect(hosted.status).toBe(303);
  });

  it("Manage billing opens a customer portal session for the member's customer, returning to billing", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const { customerId } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const outcome = await run(() =>
      billingAction(
        args(formRequest("/dashboard/talent/billing", { customer: "cus_someone_else" }, cookie), {
          role: "talent",
        }),
      ),
    );
    expect(outcome.status).toBe(303);
    const location = outcome.headers.get("Location")!;
    expect(
      location.startsWith(app.sim.url) || location.startsWith("https://billing.stripe.com"),
    ).toBe(true);
    const sessions = await app.db
      .selectFrom("stripe_customers")
      .select("stripe_customer_id")
      .where("user_id", "=", user.id)
      .execute();
    expect(sessions).toEqual([{ stripe_customer_id: customerId }]);
    // The portal lets a talent switch only between the talent prices, and cancels at period end.
    const configurations = (
      await app.stripe.billingPortal.configurations.list({ limit: 100 })
    ).data.filter((c) => c.metadata?.app === "talents_acting" && c.metadata?.role === "talent");
    expect(configurations).toHaveLength(1);
    expect(configurations[0]?.features.subscription_cancel).toMatchObject({
      enabled: true,
      mode: "at_period_end",
    });
    expect(configurations[0]?.features.subscription_update.products?.map((p) => p.product)).toEqual(
      ["talents_acting_talent_membership"],
    );

    // The email's link: signed out it goes to login and back; signed in it opens the portal too.
    const signedOut = await run(() => portalLoader(args(getRequest("/billing/portal"))));
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("Location")).toBe("/login?redirectTo=%2Fbilling%2Fportal");
    const signedIn = await run(() => portalLoader(args(getRequest("/billing/portal", cookie))));
    expect(signedIn.status).toBe(303);
  });

  it("a member without a Stripe customer gets a clear message and nothing is created", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await run<{ error: string }>(() =>
      billingAction(
        args(formRequest("/dashboard/professional/billing", {}, cookie), { role: "professional" }),
      ),
    );
    expect(outcome.status).toBe(409);
    expect(outcome.data?.error).toBe(NO_BILLING_ACCOUNT);
    expect(
      await app.db
        .selectFrom("stripe_customers")
        .select("id")
        .where("user_id", "=", user.id)
        .execute(),
    ).toEqual([]);
    const view = await page(user, cookie);
    expect(view).toMatchObject({
      planName: null,
      statusLine: "No plan yet",
      card: null,
      history: [],
      canManageBilling: false,
      primary: { label: "Choose a plan", method: "get" },
    });
  });

  it("a member whose payment is disputed reads Suspended, with the paid year's receipt still listed", async () => {
    const user = await createUser(app.db, {
      role: "talent",
      subscription_status: "EXPIRED",
      access_expires_at: new Date(Date.now() - 1000).toISOString(),
    });
    const cookie = await sessionCookieFor(app.db, user);
    const nowIso = new Date().toISOString();
    const payment = await app.db
      .insertInto("payments")
      .values({
        user_id: user.id,
        plan: "talent_annual_membership",
        amount: 30000,
        currency: "mad",
        status: "paid",
        idempotency_key: `disputed-${user.id}`,
        stripe_payment_intent_id: `pi_disputed_${user.id}`,
        access_starts_at: nowIso,
        access_ends_at: new Date(Date.now() + 300 * DAY * 1000).toISOString(),
        paid_at: nowIso,
        updated_at: nowIso,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const dispute = {
      stripe_dispute_id: `dp_${user.id}`,
      stripe_charge_id: `ch_${user.id}`,
      stripe_payment_intent_id: `pi_disputed_${user.id}`,
      user_id: user.id,
      payment_id: payment.id,
      amount: 30000,
      currency: "mad",
      reason: "fraudulent",
      status: "needs_response",
      stripe_created_at: nowIso,
      updated_at: nowIso,
    };
    await app.db.insertInto("disputes").values(dispute).execute();
    let view = await page(user, cookie);
    expect(view.statusLine).toBe("Suspended while a payment is disputed");
    expect(view.warning).toMatch(/disputed with your bank/);
    expect(view.history.map((h) => h.reference?.label)).toEqual(["Receipt"]);

    // Won: nothing is held back any more; the member reads the state their rows give.
    await app.db
      .updateTable("disputes")
      .set({ status: "won" })
      .where("stripe_dispute_id", "=", dispute.stripe_dispute_id)
      .execute();
    view = await page(user, cookie);
    expect(view.statusLine).toMatch(/^Expired on /);
  });

  it("refuses a cross-site POST with 403", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const request = formRequest("/dashboard/talent/billing", {}, cookie);
    request.headers.set("Origin", "https://evil.example");
    const outcome = await run(() => billingAction(args(request, { role: "talent" })));
    expect(outcome.status).toBe(403);
  });

  it("Stripe unreachable while opening the portal: 502 with the outage message", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    await app.sim.close();
    const outcome = await run<{ error: string }>(() =>
      billingAction(args(formRequest("/dashboard/talent/billing", {}, cookie), { role: "talent" })),
    );
    expect(outcome.status).toBe(502);
    expect(outcome.data?.error).toBe(STRIPE_UNREACHABLE);
  });
});
