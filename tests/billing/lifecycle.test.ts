import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import { PAYMENT_RETRY_WINDOW_DAYS } from "../../app/billing/member-view";
import { formatDate as formatDateIn } from "../../app/i18n/format";

// The emails are read in English (tests/billing/support.ts), dates in Casablanca.
const formatDate = (value: string | Date) => formatDateIn(value, "en");
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, run } from "../support/requests";
import { payOnHostedPage } from "../support/stripe-sim";
import {
  clockNow,
  DAY,
  emailKeys,
  moveClock,
  renderedEmails,
  subscribe,
  subscriptionRow,
  setupBillingApp,
  type BillingTestApp,
} from "../support/billing";

// The real SDK against the stand-in, which delivers its signed webhooks over HTTP to the real
// route; each member's customer lives on its own test clock.
let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

async function history(subscriptionId: string) {
  const rows = await app.db
    .selectFrom("subscription_status_history")
    .selectAll()
    .where("stripe_subscription_id", "=", subscriptionId)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.to_status);
}

describe("subscription lifecycle synced from Stripe", () => {
  it("a trial starts, warns before it ends, converts, and renews with a receipt", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, { trialDays: 180 });
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);

    let row = await subscriptionRow(app.db, subscription.id);
    expect(row).toMatchObject({
      status: "trialing",
      plan: "talent_monthly",
      amount: 3000,
      currency: "mad",
      card_brand: "visa",
      card_last4: "4242",
    });
    expect(row.trial_end).toBe(new Date((start + 180 * DAY) * 1000).toISOString());
    let fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("ACTIVE");
    expect(fresh.access_expires_at).toBe(row.trial_end);
    expect(await emailKeys(app.db, user.email)).toEqual(["subscription-started:sub"]);

    await moveClock(app.stripe, app.sim, clockId, start + 178 * DAY);
    expect(await emailKeys(app.db, user.email)).toEqual([
      "subscription-started:sub",
      "trial-ending:sub:<date>",
    ]);

    await moveClock(app.stripe, app.sim, clockId, start + 180 * DAY + 2 * 3600);
    row = await subscriptionRow(app.db, subscription.id);
    expect(row.status).toBe("active");
    expect(row.current_period_start).toBe(row.trial_end);
    fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("ACTIVE");
    expect(fresh.access_expires_at).toBe(row.current_period_end);
    const invoices = await app.db
      .selectFrom("invoices")
      .selectAll()
      .where("user_id", "=", user.id)
      .orderBy("stripe_created_at")
      .execute();
    expect(invoices.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ["subscription_create", "paid", 0],
      ["subscription_cycle", "paid", 3000],
    ]);
    expect(await emailKeys(app.db, user.email)).toEqual([
      "subscription-started:sub",
      "trial-ending:sub:<date>",
      "renewal-receipt:in",
    ]);
    const receipt = (await renderedEmails(app.db, user.email)).find((e) =>
      e.dedupeKey.startsWith("renewal-receipt:"),
    )!;
    expect(receipt.text).toContain("MAD\u00a030.00");
    expect(receipt.text).toContain(invoices[1]?.hosted_invoice_url ?? "missing");
    // The next charge's date (the member view's), not the access end; and where to cancel.
    const renewing = await subscriptionRow(app.db, subscription.id);
    const receiptWords = receipt.text.replace(/\s+/g, " ");
    expect(receiptWords).toContain(
      `The next charge is on ${formatDate(renewing.current_period_end!)}.`,
    );
    expect(receiptWords).toContain("Manage or cancel your plan at any time");

    await moveClock(
      app.stripe,
      app.sim,
      clockId,
      Date.parse(row.current_period_end!) / 1000 + 2 * 3600,
    );
    const renewed = await subscriptionRow(app.db, subscription.id);
    expect(Date.parse(renewed.current_period_start!)).toBe(Date.parse(row.current_period_end!));
    expect(await history(subscription.id)).toEqual(["trialing", "active"]);
    const count = await app.db
      .selectFrom("invoices")
      .select("id")
      .where("user_id", "=", user.id)
      .execute();
    expect(count).toHaveLength(3);
  });

  it("a failing card goes past_due (access kept, one payment-failed email), then canceled and EXPIRED", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, {
      trialDays: 7,
      card: "pm_card_chargeCustomerFail",
    });
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);

    await moveClock(app.stripe, app.sim, clockId, start + 7 * DAY + 2 * 3600);
    expect((await subscriptionRow(app.db, subscription.id)).status).toBe("past_due");
    let fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("ACTIVE");
    expect(
      (await emailKeys(app.db, user.email)).filter((k) =>
        k.startsWith("subscription-payment-failed"),
      ),
    ).toHaveLength(1);
    const failed = (await renderedEmails(app.db, user.email)).find((e) =>
      e.dedupeKey.startsWith("subscription-payment-failed:"),
    )!;
    expect(failed.text).toContain("http://localhost:3000/billing/portal?flow=update_card");
    expect(failed.text).toContain("MAD\u00a0150.00");
    // The retry date and the date access stops, as the billing page gives them.
    const open = await app.db
      .selectFrom("invoices")
      .selectAll()
      .where("user_id", "=", user.id)
      .where("status", "=", "open")
      .executeTakeFirstOrThrow();
    expect(open.next_payment_attempt).not.toBeNull();
    const failedWords = failed.text.replace(/\s+/g, " ");
    expect(failedWords).toContain(
      `We will try again on ${formatDate(open.next_payment_attempt!)}.`,
    );
    const stops = new Date(
      Date.parse(open.stripe_created_at) + PAYMENT_RETRY_WINDOW_DAYS * DAY * 1000,
    );
    expect(failedWords).toContain(`Your access continues until ${formatDate(stops)}`);

    await moveClock(app.stripe, app.sim, clockId, start + 30 * DAY);
    const row = await subscriptionRow(app.db, subscription.id);
    expect(row).toMatchObject({ status: "canceled", cancellation_reason: "payment_failed" });
    fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("EXPIRED");
    expect(await history(subscription.id)).toEqual(["trialing", "past_due", "canceled"]);
    const keys = await emailKeys(app.db, user.email);
    expect(keys.filter((k) => k.startsWith("subscription-payment-failed"))).toHaveLength(1);
    expect(keys.at(-1)).toBe("subscription-cancelled:sub");
  });

  it("through Checkout with 4000 0000 0000 0341: the trial starts, the first charge fails (past_due), then it ends unpaid", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const submit = await run(() =>
      payAction(
        args(formRequest("/dashboard/talent/payment", { plan: "monthly" }, cookie), {
          role: "talent",
        }),
      ),
    );
    expect(submit.status).toBe(303);
    const paid = await payOnHostedPage(submit.headers.get("Location")!, {
      email: user.email,
      cardNumber: "4000 0000 0000 0341",
    });
    expect(paid.status).toBe(303);
    await app.sim.idle();
    const started = await app.db
      .selectFrom("subscriptions")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(started).toMatchObject({ status: "trialing", card_last4: "0341" });
    const { stripe_test_clock_id: clockId } = await app.db
      .selectFrom("stripe_customers")
      .select("stripe_test_clock_id")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();

    await moveClock(
      app.stripe,
      app.sim,
      clockId!,
      Date.parse(started.trial_end!) / 1000 + 2 * 3600,
    );
    expect((await subscriptionRow(app.db, started.stripe_subscription_id)).status).toBe("past_due");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    await moveClock(
      app.stripe,
      app.sim,
      clockId!,
      Date.parse(started.trial_end!) / 1000 + 30 * DAY,
    );
    expect((await subscriptionRow(app.db, started.stripe_subscription_id)).status).toBe("canceled");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("EXPIRED");
    const keys = await emailKeys(app.db, user.email);
    expect(keys.filter((k) => k !== "trial-ending:sub:<date>")).toEqual([
      "subscription-started:sub",
      "subscription-payment-failed:in",
      "subscription-cancelled:sub",
    ]);
    const failed = (await renderedEmails(app.db, user.email)).find((e) =>
      e.dedupeKey.startsWith("subscription-payment-failed:"),
    )!;
    expect(failed.text).toContain("/billing/portal");
  });

  it("cancel at period end keeps access, renewing before the end undoes it, cancelling again ends CANCELLED", async () => {
    const user = await createUser(app.db, { role: "company" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);

    await app.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await app.sim.idle();
    let row = await subscriptionRow(app.db, subscription.id);
    expect(row).toMatchObject({ status: "active", cancel_at_period_end: 1 });
    expect(row.cancel_at).toBe(row.current_period_end);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");

    await app.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    await app.sim.idle();
    row = await subscriptionRow(app.db, subscription.id);
    expect(row).toMatchObject({ status: "active", cancel_at_period_end: 0, cancel_at: null });

    await app.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await app.sim.idle();
    await moveClock(app.stripe, app.sim, clockId, Date.parse(row.current_period_end!) / 1000 + 60);
    row = await subscriptionRow(app.db, subscription.id);
    expect(row.status).toBe("canceled");
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("CANCELLED");
    expect(fresh.access_expires_at).toBe(row.ended_at);
    expect(start).toBeGreaterThan(0);
    expect((await emailKeys(app.db, user.email)).at(-1)).toBe("subscription-cancelled:sub");
  });

  it("switching monthly to yearly stores the yearly plan and its prorated invoice", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);
    await moveClock(app.stripe, app.sim, clockId, start + 10 * DAY);
    const { priceIdFor } = await import("../../app/billing/catalog-sync.server");
    const { recurringPlan } = await import("../../app/payments/catalog");
    await app.stripe.subscriptions.update(subscription.id, {
      items: [
        {
          id: subscription.items.data[0]!.id,
          price: await priceIdFor(recurringPlan("talent", "yearly", "MAD"), app.stripe),
        },
      ],
      proration_behavior: "create_prorations",
    });
    await app.sim.idle();
    const row = await subscriptionRow(app.db, subscription.id);
    expect(row).toMatchObject({
      plan: "talent_yearly",
      interval: "year",
      amount: 30000,
      status: "active",
    });
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh.access_expires_at).toBe(row.current_period_end);
    expect(
      Date.parse(row.current_period_end!) - Date.parse(row.current_period_start!),
    ).toBeGreaterThan(360 * DAY * 1000);
    const update = await app.db
      .selectFrom("invoices")
      .selectAll()
      .where("user_id", "=", user.id)
      .where("billing_reason", "=", "subscription_update")
      .executeTakeFirstOrThrow();
    expect(update.status).toBe("paid");
    expect(update.amount_paid).toBeLessThan(30000);
    expect(update.amount_paid).toBeGreaterThan(0);
  });
});
