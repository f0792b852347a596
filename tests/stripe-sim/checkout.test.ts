import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentSession, rejection, startHarness } from "../support/stand-in";
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

async function confirmPaymentPage(sessionId: string, params: Record<string, string>) {
  const response = await fetch(`${h.sim.url}/v1/payment_pages/${sessionId}/confirm`, {
    method: "POST",
    headers: {
      Authorization: "Bearer sk_test_x",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { error?: Record<string, unknown> },
  };
}

async function advanceClock(seconds: number): Promise<void> {
  const response = await fetch(`${h.sim.url}/_sim/clock`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  expect(response.status).toBe(200);
}

describe("creating Checkout Sessions", () => {
  it("creates an open payment session with Stripe's fields and its hosted page URL", async () => {
    const before = Math.floor(Date.now() / 1000);
    const session = await createPaymentSession(stripe, {
      client_reference_id: "talent-7",
      metadata: { talent_id: "7" },
    });
    expect(session.id).toMatch(/^cs_test_a1[A-Za-z0-9]{56}$/);
    expect(session).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_subtotal: 30000,
      amount_total: 30000,
      currency: "mad",
      customer: null,
      customer_email: "talent@example.com",
      customer_details: null,
      client_reference_id: "talent-7",
      metadata: { talent_id: "7" },
      payment_intent: null,
      livemode: false,
      success_url: "http://app.test/payment/success?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://app.test/payment/cancel",
    });
    expect(session.url).toBe(`${h.sim.url}/c/pay/${session.id}`);
    expect(session.expires_at - before).toBeGreaterThanOrEqual(24 * 3600 - 5);
    expect(session.expires_at - before).toBeLessThanOrEqual(24 * 3600 + 5);

    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({
      object: "item",
      description: "Annual talent membership",
      quantity: 1,
      amount_total: 30000,
      currency: "mad",
    });
    const expanded = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["line_items"],
    });
    expect(expanded.line_items?.data.map((i) => i.id)).toEqual(items.data.map((i) => i.id));
  });

  it("uses existing prices, sums quantities and accepts the params the app and the CLI send", async () => {
    const price = await stripe.prices.create({
      product_data: { name: "Workshop seat" },
      unit_amount: 1500,
      currency: "usd",
    });
    const customer = await stripe.customers.create({ email: "known@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 2 }],
      success_url: "http://app.test/ok",
      cancel_url: "http://app.test/cancel",
      allowed_payment_method_types: ["card"],
      payment_intent_data: {
        description: "Workshop",
        metadata: { order: "9" },
        shipping: {
          name: "Jenny Rosen",
          address: { line1: "510 Townsend St", city: "San Francisco", country: "US" },
        },
      },
      locale: "fil",
      ui_mode: "hosted_page",
      allow_promotion_codes: false,
      billing_address_collection: "auto",
      submit_type: "pay",
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(session).toMatchObject({
      amount_total: 3000,
      currency: "usd",
      customer: customer.id,
      locale: "fil",
      submit_type: "pay",
      ui_mode: "hosted_page",
    });
    const embedded = await rejection(createPaymentSession(stripe, { ui_mode: "embedded_page" }));
    expect(embedded.param).toBe("ui_mode");
  });

  it("enforces expires_at between 30 minutes and 24 hours from now", async () => {
    const now = Math.floor(Date.now() / 1000);
    const tooSoon = await rejection(createPaymentSession(stripe, { expires_at: now + 10 * 60 }));
    expect(tooSoon.statusCode).toBe(400);
    expect(tooSoon.param).toBe("expires_at");
    const tooLate = await rejection(createPaymentSession(stripe, { expires_at: now + 25 * 3600 }));
    expect(tooLate.param).toBe("expires_at");
    const fine = await createPaymentSession(stripe, { expires_at: now + 45 * 60 });
    expect(fine.expires_at).toBe(now + 45 * 60);
  });

  it("refuses what it cannot do yet or what Stripe refuses", async () => {
    const subscription = await rejection(createPaymentSession(stripe, { mode: "subscription" }));
    expect(subscription.statusCode).toBe(400);
    expect(subscription.param).toBe("line_items[0][price]");
    expect(subscription.message).toMatch(/recurring/);
    const customer = await stripe.customers.create({ email: "both@example.com" });
    const both = await rejection(
      createPaymentSession(stripe, { customer: customer.id, customer_email: "both@example.com" }),
    );
    expect(both.param).toBe("customer_email");
    const recurring = await stripe.prices.create({
      product_data: { name: "Monthly" },
      unit_amount: 100,
      currency: "usd",
      recurring: { interval: "month" },
    });
    const wrongPrice = await rejection(
      createPaymentSession(stripe, { line_items: [{ price: recurring.id, quantity: 1 }] }),
    );
    expect(wrongPrice.param).toBe("line_items[0][price]");
    const missingPrice = await rejection(
      createPaymentSession(stripe, { line_items: [{ price: "price_missing", quantity: 1 }] }),
    );
    expect(missingPrice.code).toBe("resource_missing");
    const noQuantity = await rejection(
      createPaymentSession(stripe, { line_items: [{ price: recurring.id }] }),
    );
    expect(noQuantity.param).toBe("line_items[0][quantity]");
  });
});

describe("listing, expanding and expiring", () => {
  it("filters the session list by customer, status and payment_intent, and expands data.customer", async () => {
    const customer = await stripe.customers.create({ email: "lister@example.com", name: "Lister" });
    const open = await createPaymentSession(stripe, {
      customer: customer.id,
      customer_email: undefined,
    });
    const paid = await createPaymentSession(stripe, {
      customer: customer.id,
      customer_email: undefined,
    });
    const confirm = await confirmPaymentPage(paid.id, {
      payment_method: "pm_card_visa",
      expected_amount: "30000",
    });
    expect(confirm.status).toBe(200);

    const mine = await stripe.checkout.sessions.list({
      customer: customer.id,
      expand: ["data.customer"],
    });
    expect(mine.data.map((s) => s.id)).toEqual([paid.id, open.id]);
    expect((mine.data[0]?.customer as Stripe.Customer).name).toBe("Lister");
    const complete = await stripe.checkout.sessions.list({
      customer: customer.id,
      status: "complete",
    });
    expect(complete.data.map((s) => s.id)).toEqual([paid.id]);
    const paidSession = await stripe.checkout.sessions.retrieve(paid.id, {
      expand: ["payment_intent", "payment_intent.latest_charge"],
    });
    const intent = paidSession.payment_intent as Stripe.PaymentIntent;
    expect(intent.status).toBe("succeeded");
    expect((intent.latest_charge as Stripe.Charge).status).toBe("succeeded");
    const byIntent = await stripe.checkout.sessions.list({ payment_intent: intent.id });
    expect(byIntent.data.map((s) => s.id)).toEqual([paid.id]);
    const badExpand = await rejection(
      stripe.checkout.sessions.retrieve(paid.id, { expand: ["mode"] }),
    );
    expect(badExpand.param).toBe("expand");
  });

  it("expires an open session through the API once, emitting checkout.session.expired", async () => {
    const session = await createPaymentSession(stripe);
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe("expired");
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("expired");
    const again = await rejection(stripe.checkout.sessions.expire(session.id));
    expect(again.statusCode).toBe(400);
    const events = (
      await stripe.events.list({ type: "checkout.session.expired", limit: 100 })
    ).data.filter((e) => (e.data.object as Stripe.Checkout.Session).id === session.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data.object).toMatchObject({ status: "expired" });
  });
});

describe("payment_pages (what `stripe trigger` uses to pay without a browser)", () => {
  it("completes the session like the hosted page, checking expected_amount", async () => {
    const session = await createPaymentSession(stripe, {
      customer_email: undefined,
      customer_creation: "always",
    });
    const page = await fetch(`${h.sim.url}/v1/payment_pages/${session.id}`, {
      headers: { Authorization: "Bearer sk_test_x" },
    });
    expect(page.status).toBe(200);
    expect(((await page.json()) as { id: string }).id).toBe(session.id);

    const pm = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "tok_visa" },
      billing_details: { email: "stripe@example.com", name: "Jenny Rosen" },
    });
    const mismatch = await confirmPaymentPage(session.id, {
      payment_method: pm.id,
      expected_amount: "3000",
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error?.param).toBe("expected_amount");
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();

    const before = (await stripe.events.list({ limit: 1 })).data[0]?.id;
    const ok = await confirmPaymentPage(session.id, {
      payment_method: pm.id,
      expected_amount: "30000",
    });
    expect(ok.status).toBe(200);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(done.customer_details).toMatchObject({
      email: "stripe@example.com",
      name: "Jenny Rosen",
    });
    expect(done.customer).toMatch(/^cus_/);
    expect(done.payment_intent).toMatch(/^pi_/);
    const types = (await stripe.events.list({ limit: 20, ending_before: before })).data
      .map((e) => e.type)
      .reverse();
    expect(types).toEqual([
      "customer.created",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);

    const twice = await confirmPaymentPage(session.id, {
      payment_method: pm.id,
      expected_amount: "30000",
    });
    expect(twice.status).toBe(400);
  });

  it("answers a declined card with a 402 and leaves the session open", async () => {
    const session = await createPaymentSession(stripe);
    const declined = await confirmPaymentPage(session.id, {
      payment_method: "pm_card_chargeDeclinedInsufficientFunds",
      expected_amount: "30000",
    });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({
      type: "card_error",
      decline_code: "insufficient_funds",
    });
    const after = await stripe.checkout.sessions.retrieve(session.id);
    expect(after.status).toBe("open");
    expect((await stripe.paymentIntents.retrieve(after.payment_intent as string)).status).toBe(
      "requires_payment_method",
    );
  });
});

// Runs last in this file: moving the simulated clock affects every later session.
describe("expiry when expires_at passes", () => {
  it("expires lazily on read and by the periodic sweep, each session exactly once", async () => {
    const readLater = await createPaymentSession(stripe, {
      expires_at: Math.floor(Date.now() / 1000) + 31 * 60,
    });
    const neverRead = await createPaymentSession(stripe, {
      expires_at: Math.floor(Date.now() / 1000) + 31 * 60,
    });
    await advanceClock(32 * 60);

    const read = await stripe.checkout.sessions.retrieve(readLater.id);
    expect(read.status).toBe("expired");
    expect((await stripe.checkout.sessions.retrieve(readLater.id)).status).toBe("expired");

    const expiredFor = async (id: string) =>
      (await stripe.events.list({ type: "checkout.session.expired", limit: 100 })).data.filter(
        (e) => (e.data.object as Stripe.Checkout.Session).id === id,
      ).length;
    // The sweep runs every second; events.list itself does not expire anything.
    let swept = 0;
    const started = Date.now();
    while (swept === 0 && Date.now() - started < 4000) {
      swept = await expiredFor(neverRead.id);
      if (swept === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(swept).toBe(1);
    expect(await expiredFor(readLater.id)).toBe(1);
    expect((await stripe.checkout.sessions.retrieve(neverRead.id)).status).toBe("expired");
  });
});
