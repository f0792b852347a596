import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cardFields,
  getPage,
  postForm,
  rejection,
  startHarness,
  advanceTo,
  clockCustomer,
  eventsFor,
  monthlyPrice,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

const START = Date.UTC(2026, 5, 1, 10) / 1000;

async function subscribed() {
  const { clock, customer } = await clockCustomer(stripe, START);
  const monthly = await monthlyPrice(stripe, 3000, "month");
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id }],
  });
  return { clock, customer, monthly, subscription };
}

describe("billing portal configurations and sessions", () => {
  it("has a default configuration; sessions carry a url to the hosted portal; bad input is a 400", async () => {
    const list = await stripe.billingPortal.configurations.list({ is_default: true });
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({
      is_default: true,
      active: true,
      features: { subscription_cancel: { enabled: true, mode: "at_period_end" } },
    });
    const { customer } = await clockCustomer(stripe, START);
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/account",
    });
    expect(session).toMatchObject({
      object: "billing_portal.session",
      customer: customer.id,
      return_url: "http://app.test/account",
      configuration: list.data[0]?.id,
    });
    expect(session.url).toMatch(new RegExp(`^${h.sim.url}/p/session/test_[A-Za-z0-9]+$`));
    expect(
      (await rejection(stripe.billingPortal.sessions.create({ customer: "cus_nope" }))).statusCode,
    ).toBe(400);
    const updated = await stripe.billingPortal.configurations.update(list.data[0]?.id ?? "", {
      business_profile: { headline: "Talents Acting" },
    });
    expect(updated.business_profile.headline).toBe("Talents Acting");
    expect(
      (await rejection(stripe.billingPortal.configurations.update(updated.id, { active: false })))
        .statusCode,
    ).toBe(400);
  });
});

describe("the hosted portal without JavaScript", () => {
  it("cancels at period end with a reason, shows Cancels <date>, renews, then ends at the period's end", async () => {
    const { clock, customer, subscription } = await subscribed();
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/account",
    });
    const home = await getPage(session.url);
    expect(home.status).toBe(200);
    for (const text of [
      "Current subscription",
      "Payment method",
      "Invoice history",
      "Monthly membership",
      "MAD 30.00 per month",
    ])
      expect(home.html).toContain(text);
    expect(home.html).toContain('data-test="cancel-subscription"');
    expect(home.html).toContain(
      'href="http://app.test/account" data-testid="return-to-business-link"',
    );
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(home.html).toContain(`href="${invoice.hosted_invoice_url ?? ""}"`);

    const cancelUrl = `${session.url}/subscriptions/${subscription.id}/cancel`;
    const cancelPage = await getPage(cancelUrl);
    expect(cancelPage.html).toContain("Cancel your subscription");
    expect(cancelPage.html).toContain('data-testid="confirm"');
    const confirmed = await postForm(cancelUrl, {});
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe(
      `${new URL(session.url).pathname}/subscriptions/${subscription.id}/reason`,
    );
    const reasonPage = await getPage(`${h.sim.url}${confirmed.location ?? ""}`);
    expect(reasonPage.html).toContain('data-test="cancel-reason-opt-too_expensive"');
    const reasoned = await postForm(`${h.sim.url}${confirmed.location ?? ""}`, {
      reason: "too_expensive",
    });
    expect(reasoned.status).toBe(303);

    const scheduled = await stripe.subscriptions.retrieve(subscription.id);
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect(scheduled).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: periodEnd,
      cancellation_details: { reason: "cancellation_requested", feedback: "too_expensive" },
    });
    const afterCancel = await getPage(session.url + "?home=1");
    expect(afterCancel.html).toContain("Cancels July 1, 2026");
    expect(afterCancel.html).toContain('data-test="renew-subscription"');

    const renewed = await postForm(`${session.url}/subscriptions/${subscription.id}/renew`, {});
    expect(renewed.status).toBe(303);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });

    // Cancel again, skipping the reason, and let the period end.
    await postForm(cancelUrl, {});
    await postForm(`${session.url}/subscriptions/${subscription.id}/reason`, { skip: "true" });
    await advanceTo(stripe, clock.id, periodEnd + 3600);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types.filter((t) => t === "customer.subscription.updated").length).toBe(4);
    expect(types.at(-1)).toBe("customer.subscription.deleted");
  });

  it("switches plan among the configuration's prices and adds a payment method", async () => {
    const { customer, monthly, subscription } = await subscribed();
    const annual = await stripe.prices.create({
      currency: "mad",
      unit_amount: 30000,
      recurring: { interval: "year" },
      product: monthly.product as string,
    });
    const configuration = await stripe.billingPortal.configurations.create({
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [{ product: monthly.product as string, prices: [monthly.id, annual.id] }],
          proration_behavior: "create_prorations",
        },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
    });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: configuration.id,
    });
    const home = await getPage(session.url);
    expect(home.html).toContain("Update plan");
    expect(home.html).not.toContain('data-test="cancel-subscription"');
    const updatePage = await getPage(`${session.url}/subscriptions/${subscription.id}/update`);
    expect(updatePage.html).toContain("MAD 300.00 per year");
    const switched = await postForm(`${session.url}/subscriptions/${subscription.id}/update`, {
      price: annual.id,
    });
    expect(switched.status).toBe(303);
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.items.data[0]?.price.id).toBe(annual.id);

    const bad = await postForm(
      `${session.url}/payment-methods/new`,
      cardFields("4242424242424241"),
    );
    expect(bad.status).toBe(400);
    const added = await postForm(
      `${session.url}/payment-methods/new`,
      cardFields("5555555555554444"),
    );
    expect(added.status).toBe(303);
    const updatedCustomer = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    const pm = await stripe.paymentMethods.retrieve(
      updatedCustomer.invoice_settings.default_payment_method as string,
    );
    expect(pm.card?.last4).toBe("4444");
  });

  it("a subscription_cancel flow opens on the cancel page and redirects after completion", async () => {
    const { customer, subscription } = await subscribed();
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: {
        type: "subscription_cancel",
        subscription_cancel: { subscription: subscription.id },
        after_completion: {
          type: "redirect",
          redirect: { return_url: "http://app.test/after-cancel" },
        },
      },
    });
    expect(session.flow?.type).toBe("subscription_cancel");
    const opened = await getPage(session.url);
    expect(opened.status).toBe(303);
    expect(opened.location).toContain(`/subscriptions/${subscription.id}/cancel`);
    await postForm(`${session.url}/subscriptions/${subscription.id}/cancel`, {});
    const done = await postForm(`${session.url}/subscriptions/${subscription.id}/reason`, {
      skip: "true",
    });
    expect(done.location).toBe("http://app.test/after-cancel");
    expect((await getPage(`${h.sim.url}/p/session/test_unknown`)).status).toBe(404);
  });

  it("cancels immediately when the configuration says so, without a reason step when reasons are off", async () => {
    const { customer, subscription } = await subscribed();
    const configuration = await stripe.billingPortal.configurations.create({
      features: {
        subscription_cancel: {
          enabled: true,
          mode: "immediately",
          cancellation_reason: { enabled: false, options: [] },
        },
      },
    });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      configuration: configuration.id,
      return_url: "http://app.test/account",
    });
    const cancelPage = await getPage(`${session.url}/subscriptions/${subscription.id}/cancel`);
    expect(cancelPage.html).toContain("canceled immediately");
    const done = await postForm(`${session.url}/subscriptions/${subscription.id}/cancel`, {});
    expect(done.location).toContain(`${new URL(session.url).pathname}?notice=`);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: "canceled",
      ended_at: expect.any(Number) as number,
    });
    expect((await getPage(`${h.sim.url}${done.location ?? ""}`)).html).toContain(
      "No active subscription.",
    );
  });
});
