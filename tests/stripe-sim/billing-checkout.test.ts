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
  DAY,
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

const START = Date.UTC(2026, 4, 10, 8) / 1000;

function subscriptionSession(
  customer: string,
  price: string,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
) {
  return stripe.checkout.sessions.create({
    mode: "subscription",
    customer,
    line_items: [{ price, quantity: 1 }],
    success_url: "http://app.test/billing/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/billing/cancel",
    client_reference_id: "talent-42",
    ...extra,
  });
}

describe("Checkout in subscription mode", () => {
  it("a trial through the hosted page (no JavaScript), then the clock passes the trial: invoice paid, status active", async () => {
    const { clock, customer } = await clockCustomer(stripe, START, null);
    const price = await monthlyPrice(stripe, 3000);
    const session = await subscriptionSession(customer.id, price.id, {
      subscription_data: { trial_period_days: 30, metadata: { plan: "monthly" } },
    });
    expect(session).toMatchObject({
      mode: "subscription",
      amount_total: 0,
      payment_method_collection: "always",
      subscription: null,
    });

    const page = await getPage(session.url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain("30 days free");
    expect(page.html).toContain("Then MAD 30.00 per month starting June 9, 2026");
    expect(page.html).toContain('id="billingCountry"');
    expect(page.html).toContain("United States");
    expect(page.html).toContain('id="enableStripePass"');

    const missingZip = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { billingCountry: "US" }),
    );
    expect(missingZip.status).toBe(400);
    expect(missingZip.html).toContain("Your ZIP is incomplete.");

    const done = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { billingCountry: "US", billingPostalCode: "94107" }),
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe(`http://app.test/billing/success?session_id=${session.id}`);

    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({
      status: "complete",
      payment_status: "no_payment_required",
      customer: customer.id,
      client_reference_id: "talent-42",
    });
    expect((await getPage(session.url ?? "")).html).toContain(
      "Your subscription to Talents Acting has started.",
    );
    const subscription = await stripe.subscriptions.retrieve(completed.subscription as string);
    expect(subscription).toMatchObject({
      status: "trialing",
      trial_end: START + 30 * DAY,
      metadata: { plan: "monthly" },
    });
    expect(completed.invoice).toBe(subscription.latest_invoice);
    const paymentMethod = await stripe.paymentMethods.retrieve(
      subscription.default_payment_method as string,
    );
    expect(paymentMethod).toMatchObject({
      customer: customer.id,
      billing_details: { address: { country: "US", postal_code: "94107" } },
    });

    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types.slice(types.indexOf("payment_method.attached"))).toEqual([
      "payment_method.attached",
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);

    await advanceTo(stripe, clock.id, START + 31 * DAY);
    const active = await stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    const invoice = await stripe.invoices.retrieve(active.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 3000,
      billing_reason: "subscription_cycle",
    });
  });

  it("charges the first invoice at once without a trial; a declined card leaves the session open and nothing created", async () => {
    const { customer } = await clockCustomer(stripe, START, null);
    const price = await monthlyPrice(stripe, 3000);
    const session = await subscriptionSession(customer.id, price.id);
    expect(session.amount_total).toBe(3000);
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain('MAD 30.00 <span class="per">per month</span>');

    const declined = await postForm(session.url ?? "", cardFields("4000000000000002"));
    expect(declined.status).toBe(402);
    expect(declined.html).toContain("Your card was declined.");
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data,
    ).toHaveLength(0);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");

    const paid = await postForm(session.url ?? "", cardFields("4242424242424242"));
    expect(paid.status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["subscription", "invoice"],
    });
    expect(completed.payment_status).toBe("paid");
    expect((completed.subscription as Stripe.Subscription).status).toBe("active");
    expect(completed.invoice as Stripe.Invoice).toMatchObject({
      status: "paid",
      amount_paid: 3000,
      billing_reason: "subscription_create",
    });
  });

  it("a card that asks for 3-D Secure goes through the challenge; a failed challenge keeps the session open for another try", async () => {
    const { customer } = await clockCustomer(stripe, START, null);
    const price = await monthlyPrice(stripe, 3000);
    const session = await subscriptionSession(customer.id, price.id);
    const first = await postForm(session.url ?? "", cardFields("4000002500003155"));
    expect(first.status).toBe(303);
    expect(first.location).toBe(`/c/pay/${session.id}/authenticate`);
    const challenge = await getPage(`${h.sim.url}${first.location ?? ""}`);
    expect(challenge.html).toContain("MAD 30.00");
    const failed = await postForm(`${h.sim.url}${first.location ?? ""}`, { outcome: "fail" });
    expect(failed.location).toBe(`/c/pay/${session.id}?authentication=failed`);
    expect((await getPage(`${h.sim.url}${failed.location ?? ""}`)).html).toContain(
      "unable to authenticate",
    );
    const [waiting] = (await stripe.subscriptions.list({ customer: customer.id, status: "all" }))
      .data;
    expect(waiting?.status).toBe("incomplete");

    const again = await postForm(session.url ?? "", cardFields("4000002500003155"));
    expect(again.location).toBe(`/c/pay/${session.id}/authenticate`);
    const passed = await postForm(`${h.sim.url}${again.location ?? ""}`, { outcome: "complete" });
    expect(passed.status).toBe(303);
    expect(passed.location).toContain("/billing/success");
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({
      status: "complete",
      payment_status: "paid",
      subscription: waiting?.id,
    });
    expect((await stripe.subscriptions.retrieve(waiting?.id ?? "")).status).toBe("active");
    expect((await stripe.invoices.retrieve(completed.invoice as string)).status).toBe("paid");
  });

  it("makes a customer when none is given, and takes no card with payment_method_collection=if_required during a trial", async () => {
    const price = await monthlyPrice(stripe, 3000);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { trial_period_days: 14 },
      payment_method_collection: "if_required",
      success_url: "http://app.test/ok",
      customer_email: "new@example.com",
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).not.toContain('id="cardNumber"');
    const done = await postForm(session.url ?? "", {
      email: "new@example.com",
      billingName: "New Talent",
      billingCountry: "MA",
    });
    expect(done.status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    const subscription = await stripe.subscriptions.retrieve(completed.subscription as string);
    expect(subscription).toMatchObject({ status: "trialing", default_payment_method: null });
    const customer = await stripe.customers.retrieve(completed.customer as string);
    expect(customer).toMatchObject({ email: "new@example.com", name: "New Talent" });
  });

  it("refuses what Stripe refuses in subscription mode", async () => {
    const price = await monthlyPrice(stripe);
    const oneTime = await stripe.prices.create({
      currency: "mad",
      unit_amount: 100,
      product_data: { name: "One-off" },
    });
    const base = { mode: "subscription" as const, success_url: "http://app.test/ok" };
    expect(
      (
        await rejection(
          stripe.checkout.sessions.create({
            ...base,
            line_items: [{ price: oneTime.id, quantity: 1 }],
          }),
        )
      ).param,
    ).toBe("line_items[0][price]");
    expect(
      (
        await rejection(
          stripe.checkout.sessions.create({
            ...base,
            line_items: [{ price: price.id, quantity: 1 }],
            customer_creation: "always",
          }),
        )
      ).param,
    ).toBe("customer_creation");
    expect(
      (
        await rejection(
          stripe.checkout.sessions.create({
            ...base,
            line_items: [{ price: price.id, quantity: 1 }],
            payment_intent_data: { description: "x" },
          }),
        )
      ).param,
    ).toBe("payment_intent_data");
  });
});

describe("Checkout in setup mode", () => {
  it("saves a card for the customer through a SetupIntent", async () => {
    const customer = await stripe.customers.create({ email: "setup@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "mad",
      success_url: "http://app.test/card-saved",
    });
    expect(session).toMatchObject({ mode: "setup", amount_total: null, setup_intent: null });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain("Save card");
    const done = await postForm(
      session.url ?? "",
      cardFields("5555555555554444", { email: "setup@example.com" }),
    );
    expect(done.status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["setup_intent"],
    });
    const setupIntent = completed.setup_intent as Stripe.SetupIntent;
    expect(completed.payment_status).toBe("no_payment_required");
    expect(setupIntent).toMatchObject({
      status: "succeeded",
      customer: customer.id,
      usage: "off_session",
    });
    const methods = await stripe.paymentMethods.list({ customer: customer.id, type: "card" });
    expect(methods.data.map((m) => m.card?.last4)).toEqual(["4444"]);
    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "setup_intent.created",
        "setup_intent.succeeded",
        "payment_method.attached",
        "checkout.session.completed",
      ]),
    );
  });
});
