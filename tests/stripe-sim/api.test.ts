import Database from "better-sqlite3";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejection, startHarness, stripeClient } from "../support/stand-in";
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

describe("authentication and error shapes", () => {
  it("answers 401 for a live or malformed key and for no key at all", async () => {
    const error = await rejection(stripeClient(h.sim, "sk_live_not_allowed_here").customers.list());
    expect(error.type).toBe("StripeAuthenticationError");
    expect(error.statusCode).toBe(401);

    const bare = await fetch(`${h.sim.url}/v1/customers`);
    expect(bare.status).toBe(401);
    const body = (await bare.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/did not provide an API key/);
  });

  it("accepts Basic auth with the key as username, as the Stripe CLI and curl -u send it", async () => {
    const response = await fetch(`${h.sim.url}/v1/customers?limit=1`, {
      headers: { Authorization: `Basic ${Buffer.from("sk_test_basic:").toString("base64")}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe("list");
  });

  it("answers an unknown id with a 404 resource_missing StripeInvalidRequestError", async () => {
    const error = await rejection(stripe.customers.retrieve("cus_doesnotexist00"));
    expect(error.type).toBe("StripeInvalidRequestError");
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe("resource_missing");
    expect(error.param).toBe("id");
    expect(error.message).toBe("No such customer: 'cus_doesnotexist00'");
  });

  it("rejects an unknown parameter with a 400 naming it, top level and nested", async () => {
    const top = await rejection(
      stripe.customers.create({ emial: "typo@example.com" } as Stripe.CustomerCreateParams),
    );
    expect(top.statusCode).toBe(400);
    expect(top.message).toBe("Received unknown parameter: emial");
    expect(top.param).toBe("emial");

    const nested = await rejection(
      stripe.checkout.sessions.create({
        mode: "payment",
        success_url: "http://app.test/ok",
        line_items: [
          { pricee: "price_x", quantity: 1 } as Stripe.Checkout.SessionCreateParams.LineItem,
        ],
      }),
    );
    expect(nested.statusCode).toBe(400);
    expect(nested.param).toBe("line_items[0][pricee]");
    const before = await stripe.customers.list({ email: "typo@example.com" });
    expect(before.data).toHaveLength(0);
  });

  it("reports missing and malformed values with the param", async () => {
    const missing = await rejection(
      stripe.prices.create({ product: "prod_x" } as Stripe.PriceCreateParams),
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.param).toBe("currency");
    expect(missing.message).toBe("Missing required param: currency.");

    const response = await fetch(`${h.sim.url}/v1/payment_intents`, {
      method: "POST",
      headers: {
        Authorization: "Bearer sk_test_x",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "amount=ten&currency=usd",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; message: string } };
    expect(body.error.param).toBe("amount");
    expect(body.error.message).toMatch(/Invalid integer/);
  });

  it("answers unknown routes with a 404 in Stripe's error shape plus Request-Id and Stripe-Version", async () => {
    const response = await fetch(`${h.sim.url}/v1/nothing_here`, {
      headers: { Authorization: "Bearer sk_test_x", "Stripe-Version": "2024-06-20" },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("request-id")).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(response.headers.get("stripe-version")).toBe("2024-06-20");
    const body = (await response.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/Unrecognized request URL \(GET: \/v1\/nothing_here\)/);
  });

  it("rejects malformed bodies and oversized bodies without crashing", async () => {
    const headers = {
      Authorization: "Bearer sk_test_x",
      "Content-Type": "application/x-www-form-urlencoded",
    };
    const conflicting = await fetch(`${h.sim.url}/v1/customers`, {
      method: "POST",
      headers,
      body: "metadata=1&metadata[a]=2",
    });
    expect(conflicting.status).toBe(400);
    const badEscape = await fetch(`${h.sim.url}/v1/customers`, {
      method: "POST",
      headers,
      body: "email=%E0%A4%A",
    });
    expect(badEscape.status).toBe(400);
    const json = await fetch(`${h.sim.url}/v1/customers`, {
      method: "POST",
      headers: { Authorization: "Bearer sk_test_x", "Content-Type": "application/json" },
      body: JSON.stringify({ email: "json@example.com" }),
    });
    expect(json.status).toBe(400);
    const huge = await fetch(`${h.sim.url}/v1/customers`, {
      method: "POST",
      headers,
      body: `description=${"x".repeat(2 * 1024 * 1024)}`,
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { type: string } }).error.type).toBe(
      "invalid_request_error",
    );
    const net = await import("node:net");
    const rawAnswer = await new Promise<string>((resolve) => {
      const socket = net.connect(h.sim.port, "127.0.0.1", () =>
        socket.end("GET //odd%%path HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
      );
      let text = "";
      socket
        .setEncoding("utf8")
        .on("data", (chunk: string) => (text += chunk))
        .on("close", () => resolve(text));
    });
    expect(rawAnswer).toMatch(/^HTTP\/1\.1 404/);
    // Still serving afterwards.
    const after = await stripe.customers.create({ email: "still-alive@example.com" });
    expect(after.id).toMatch(/^cus_/);
  });
});

describe("internal errors", () => {
  it("answers a bug (here: a corrupted row) with a 500 api_error and keeps serving", async () => {
    const db = new Database(h.dbPath);
    db.prepare("INSERT INTO customers (id, created, data) VALUES (?, ?, ?)").run(
      "cus_corruptedrow0",
      0,
      "{not json",
    );
    try {
      const error = await rejection(stripe.customers.retrieve("cus_corruptedrow0"));
      expect(error.type).toBe("StripeAPIError");
      expect(error.statusCode).toBe(500);
      expect(error.message).toMatch(/stripe-sim internal error/);
      expect((await stripe.customers.create({ email: "after-bug@example.com" })).email).toBe(
        "after-bug@example.com",
      );
    } finally {
      // Other tests list customers; the broken row must not outlive this one.
      db.prepare("DELETE FROM customers WHERE id = ?").run("cus_corruptedrow0");
      db.close();
    }
  });
});

describe("customers", () => {
  it("creates, retrieves, updates (customer.updated with previous_attributes), lists by email and deletes", async () => {
    const created = await stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      metadata: { talent_id: "42" },
    });
    expect(created).toMatchObject({
      object: "customer",
      email: "ada@example.com",
      name: "Ada",
      livemode: false,
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created.metadata).toEqual({ talent_id: "42" });
    expect(Math.abs(created.created - Date.now() / 1000)).toBeLessThan(5);

    const updated = await stripe.customers.update(created.id, {
      name: "Ada L.",
      metadata: { talent_id: "", plan: "pro" },
    });
    expect(updated.name).toBe("Ada L.");
    expect(updated.metadata).toEqual({ plan: "pro" });
    const [updateEvent] = (await stripe.events.list({ type: "customer.updated", limit: 1 })).data;
    expect(updateEvent?.data.object).toMatchObject({ id: created.id, name: "Ada L." });
    expect(updateEvent?.data.previous_attributes).toMatchObject({
      name: "Ada",
      metadata: { talent_id: "42" },
    });

    const retrieved = await stripe.customers.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, name: "Ada L." });

    const listed = await stripe.customers.list({ email: "ada@example.com" });
    expect(listed.data.map((c) => c.id)).toEqual([created.id]);
    expect(listed.url).toBe("/v1/customers");

    const deleted = await stripe.customers.del(created.id);
    expect(deleted).toEqual({ id: created.id, object: "customer", deleted: true });
    expect(await stripe.customers.retrieve(created.id)).toMatchObject({ deleted: true });
    expect((await stripe.customers.list({ email: "ada@example.com" })).data).toHaveLength(0);
  });
});

describe("idempotency", () => {
  it("replays the first response for the same key and params, creating nothing new", async () => {
    const params = { email: "idem@example.com", name: "Once" };
    const first = await stripe.customers.create(params, { idempotencyKey: "idem-key-1" });
    const second = await stripe.customers.create(params, { idempotencyKey: "idem-key-1" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.customers.list({ email: "idem@example.com" })).data).toHaveLength(1);
    const createdEvents = (
      await stripe.events.list({ type: "customer.created", limit: 100 })
    ).data.filter((event) => (event.data.object as Stripe.Customer).id === first.id);
    expect(createdEvents).toHaveLength(1);
    expect(createdEvents[0]?.request).toEqual({
      id: first.lastResponse.requestId,
      idempotency_key: "idem-key-1",
    });
  });

  it("refuses the same key with other params (idempotency_error) and replays errors with their status", async () => {
    await stripe.customers.create({ email: "idem2@example.com" }, { idempotencyKey: "idem-key-2" });
    const error = await rejection(
      stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: "idem-key-2" }),
    );
    expect(error.type).toBe("StripeIdempotencyError");
    expect(error.statusCode).toBe(400);
    expect((await stripe.customers.list({ email: "other@example.com" })).data).toHaveLength(0);

    const params = {
      amount: 2000,
      currency: "usd",
      payment_method: "pm_card_chargeDeclined",
      confirm: true,
    };
    const firstDecline = await rejection(
      stripe.paymentIntents.create(params, { idempotencyKey: "idem-decline" }),
    );
    const replayedDecline = await rejection(
      stripe.paymentIntents.create(params, { idempotencyKey: "idem-decline" }),
    );
    expect(firstDecline.statusCode).toBe(402);
    expect(replayedDecline.statusCode).toBe(402);
    expect(replayedDecline.payment_intent?.id).toBe(firstDecline.payment_intent?.id);
  });
});

describe("pagination", () => {
  it("pages 25 customers newest first with limit, starting_after, ending_before and has_more", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++)
      ids.push((await stripe.customers.create({ email: "page@example.com", name: `P${i}` })).id);
    const newestFirst = [...ids].reverse();

    const page1 = await stripe.customers.list({ email: "page@example.com", limit: 10 });
    expect(page1.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 10));
    expect(page1.has_more).toBe(true);
    const page2 = await stripe.customers.list({
      email: "page@example.com",
      limit: 10,
      starting_after: page1.data[9]?.id,
    });
    expect(page2.data.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
    expect(page2.has_more).toBe(true);
    const page3 = await stripe.customers.list({
      email: "page@example.com",
      limit: 10,
      starting_after: page2.data[9]?.id,
    });
    expect(page3.data.map((c) => c.id)).toEqual(newestFirst.slice(20));
    expect(page3.has_more).toBe(false);

    const back = await stripe.customers.list({
      email: "page@example.com",
      limit: 5,
      ending_before: page2.data[0]?.id,
    });
    expect(back.data.map((c) => c.id)).toEqual(newestFirst.slice(5, 10));
    expect(back.has_more).toBe(true);

    const defaultPage = await stripe.customers.list({ email: "page@example.com" });
    expect(defaultPage.data).toHaveLength(10);

    const all = await stripe.customers
      .list({ email: "page@example.com", limit: 7 })
      .autoPagingToArray({ limit: 100 });
    expect(all.map((c) => c.id)).toEqual(newestFirst);

    const now = Math.floor(Date.now() / 1000);
    expect(
      (
        await stripe.customers.list({
          email: "page@example.com",
          created: { gte: now - 60 },
          limit: 100,
        })
      ).data,
    ).toHaveLength(25);
    expect(
      (await stripe.customers.list({ email: "page@example.com", created: { gt: now + 60 } })).data,
    ).toHaveLength(0);
  });

  it("bounds limit to 1..100", async () => {
    expect((await rejection(stripe.customers.list({ limit: 0 }))).param).toBe("limit");
    expect((await rejection(stripe.customers.list({ limit: 101 }))).param).toBe("limit");
    expect((await stripe.customers.list({ limit: 100 })).object).toBe("list");
  });
});

describe("products and prices", () => {
  it("creates products and prices (events included), filters prices by lookup_keys and active", async () => {
    const product = await stripe.products.create({ name: "Membership", description: "Yearly" });
    expect(product).toMatchObject({ object: "product", name: "Membership", active: true });
    expect(product.id).toMatch(/^prod_/);
    expect((await stripe.products.retrieve(product.id)).name).toBe("Membership");

    const yearly = await stripe.prices.create({
      product: product.id,
      unit_amount: 30000,
      currency: "MAD",
      lookup_key: "membership_yearly",
    });
    expect(yearly).toMatchObject({
      object: "price",
      currency: "mad",
      unit_amount: 30000,
      type: "one_time",
      lookup_key: "membership_yearly",
    });
    expect(yearly.id).toMatch(/^price_[A-Za-z0-9]{24}$/);
    const monthly = await stripe.prices.create({
      product_data: { name: "Monthly plan" },
      unit_amount: 3000,
      currency: "mad",
      recurring: { interval: "month" },
      lookup_key: "membership_monthly",
      active: false,
    });
    expect(monthly.type).toBe("recurring");
    expect(monthly.recurring?.interval).toBe("month");

    const byKey = await stripe.prices.list({
      lookup_keys: ["membership_yearly", "membership_monthly"],
    });
    expect(byKey.data.map((p) => p.id).sort()).toEqual([yearly.id, monthly.id].sort());
    const active = await stripe.prices.list({
      lookup_keys: ["membership_yearly", "membership_monthly"],
      active: true,
    });
    expect(active.data.map((p) => p.id)).toEqual([yearly.id]);
    const expanded = await stripe.prices.retrieve(yearly.id, { expand: ["product"] });
    expect((expanded.product as Stripe.Product).name).toBe("Membership");

    const duplicate = await rejection(
      stripe.prices.create({
        product: product.id,
        unit_amount: 1,
        currency: "mad",
        lookup_key: "membership_yearly",
      }),
    );
    expect(duplicate.param).toBe("lookup_key");
    const moved = await stripe.prices.create({
      product: product.id,
      unit_amount: 35000,
      currency: "mad",
      lookup_key: "membership_yearly",
      transfer_lookup_key: true,
    });
    expect(
      (await stripe.prices.list({ lookup_keys: ["membership_yearly"] })).data.map((p) => p.id),
    ).toEqual([moved.id]);

    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types).toContain("product.created");
    expect(types).toContain("price.created");
  });
});

describe("payment intents, charges and payment methods", () => {
  it("confirms with pm_card_visa: succeeded, with a succeeded charge reachable by expand and list", async () => {
    const customer = await stripe.customers.create({ email: "payer@example.com" });
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: "usd",
      customer: customer.id,
      payment_method: "pm_card_visa",
      allowed_payment_method_types: ["card"],
      confirm: true,
      description: "Headshots",
      metadata: { order: "7" },
    });
    expect(intent).toMatchObject({
      status: "succeeded",
      amount_received: 2000,
      customer: customer.id,
      description: "Headshots",
    });
    expect(intent.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({
      status: "succeeded",
      paid: true,
      amount: 2000,
      payment_intent: intent.id,
      customer: customer.id,
    });
    expect(charge.payment_method_details?.card?.last4).toBe("4242");
    const expanded = await stripe.paymentIntents.retrieve(intent.id, {
      expand: ["latest_charge", "customer"],
    });
    expect((expanded.latest_charge as Stripe.Charge).id).toBe(charge.id);
    expect((expanded.customer as Stripe.Customer).email).toBe("payer@example.com");
    expect(
      (await stripe.charges.list({ payment_intent: intent.id })).data.map((c) => c.id),
    ).toEqual([charge.id]);
    expect(
      (await stripe.paymentIntents.list({ customer: customer.id })).data.map((p) => p.id),
    ).toEqual([intent.id]);
  });

  it("declines pm_card_chargeDeclined with a 402 card_error and records the failed intent and charge", async () => {
    const error = await rejection(
      stripe.paymentIntents.create({
        amount: 2000,
        currency: "usd",
        payment_method: "pm_card_chargeDeclined",
        confirm: true,
      }),
    );
    expect(error.type).toBe("StripeCardError");
    expect(error.statusCode).toBe(402);
    expect(error.code).toBe("card_declined");
    expect(error.decline_code).toBe("generic_decline");
    expect(error.message).toBe("Your card was declined.");
    const intent = await stripe.paymentIntents.retrieve(error.payment_intent?.id ?? "");
    expect(intent.status).toBe("requires_payment_method");
    expect(intent.last_payment_error?.decline_code).toBe("generic_decline");
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: "failed", paid: false, failure_code: "card_declined" });
    const failedEvents = (await stripe.events.list({ type: "payment_intent.payment_failed" })).data;
    expect(
      failedEvents.some((event) => (event.data.object as Stripe.PaymentIntent).id === intent.id),
    ).toBe(true);
  });

  it("creates card PaymentMethods from tokens and raw numbers, attaches them, and confirms later", async () => {
    const customer = await stripe.customers.create({ email: "cards@example.com" });
    const fromToken = await stripe.paymentMethods.create({
      type: "card",
      card: { token: "tok_visa" },
    });
    expect(fromToken).toMatchObject({ object: "payment_method", type: "card", customer: null });
    expect(fromToken.card).toMatchObject({ brand: "visa", last4: "4242" });
    const raw = await stripe.paymentMethods.create({
      type: "card",
      card: {
        number: "4000 0000 0000 9995",
        exp_month: 12,
        exp_year: new Date().getFullYear() + 1,
        cvc: "123",
      },
      billing_details: { name: "Broke Talent" },
    });
    expect(raw.card?.last4).toBe("9995");
    const attached = await stripe.paymentMethods.attach(fromToken.id, { customer: customer.id });
    expect(attached.customer).toBe(customer.id);
    expect(
      (await stripe.paymentMethods.list({ customer: customer.id, type: "card" })).data.map(
        (pm) => pm.id,
      ),
    ).toEqual([fromToken.id]);
    expect(
      (await stripe.events.list({ type: "payment_method.attached", limit: 1 })).data[0]?.data
        .object,
    ).toMatchObject({ id: fromToken.id });

    const intent = await stripe.paymentIntents.create({
      amount: 500,
      currency: "eur",
      payment_method: raw.id,
    });
    expect(intent.status).toBe("requires_confirmation");
    const declined = await rejection(stripe.paymentIntents.confirm(intent.id));
    expect(declined.decline_code).toBe("insufficient_funds");
    expect(declined.message).toBe("Your card has insufficient funds.");
    const retried = await stripe.paymentIntents.confirm(intent.id, { payment_method: "tok_visa" });
    expect(retried.status).toBe("succeeded");

    const badNumber = await rejection(
      stripe.paymentMethods.create({
        type: "card",
        card: { number: "4242424242424241", exp_month: 1, exp_year: 2099 },
      }),
    );
    expect(badNumber.type).toBe("StripeCardError");
    expect(badNumber.code).toBe("incorrect_number");
  });

  it("puts 3-D Secure cards into requires_action and cancels intents", async () => {
    const intent = await stripe.paymentIntents.create({
      amount: 900,
      currency: "usd",
      payment_method: "pm_card_threeDSecure2Required",
      confirm: true,
    });
    expect(intent.status).toBe("requires_action");
    expect(intent.next_action?.type).toBeTruthy();
    const canceled = await stripe.paymentIntents.cancel(intent.id, {
      cancellation_reason: "abandoned",
    });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    const again = await rejection(stripe.paymentIntents.cancel(intent.id));
    expect(again.code).toBe("payment_intent_unexpected_state");
  });
});

describe("webhook endpoints and events", () => {
  it("creates endpoints with a secret shown once, updates, lists and deletes them", async () => {
    const endpoint = await stripe.webhookEndpoints.create({
      url: "http://127.0.0.1:9/hook",
      enabled_events: ["checkout.session.completed"],
    });
    expect(endpoint.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(endpoint).toMatchObject({
      object: "webhook_endpoint",
      status: "enabled",
      enabled_events: ["checkout.session.completed"],
    });
    expect(endpoint.id).toMatch(/^we_/);
    const retrieved = await stripe.webhookEndpoints.retrieve(endpoint.id);
    expect(retrieved.secret).toBeUndefined();
    const updated = await stripe.webhookEndpoints.update(endpoint.id, {
      enabled_events: ["*"],
      disabled: true,
    });
    expect(updated).toMatchObject({ enabled_events: ["*"], status: "disabled" });
    expect((await stripe.webhookEndpoints.list()).data.map((e) => e.id)).toContain(endpoint.id);
    expect(await stripe.webhookEndpoints.del(endpoint.id)).toMatchObject({
      id: endpoint.id,
      deleted: true,
    });
    expect((await rejection(stripe.webhookEndpoints.retrieve(endpoint.id))).statusCode).toBe(404);
    expect(
      (await rejection(stripe.webhookEndpoints.create({ url: "not a url", enabled_events: ["*"] })))
        .param,
    ).toBe("url");
  });

  it("retrieves events and filters the list by type, types[] and wildcard", async () => {
    // Makes every event type it lists below itself, whatever ran before it.
    const customer = await stripe.customers.create({ email: "events@example.com" });
    await stripe.customers.update(customer.id, { name: "Events Example" });
    await stripe.paymentIntents.create({ amount: 1000, currency: "mad", customer: customer.id });
    const [created] = (await stripe.events.list({ type: "customer.created", limit: 1 })).data;
    expect(created).toMatchObject({
      object: "event",
      type: "customer.created",
      livemode: false,
      api_version: Stripe.API_VERSION,
    });
    expect(created?.id).toMatch(/^evt_[A-Za-z0-9]{24}$/);
    expect(created?.data.object).toMatchObject({ id: customer.id, email: "events@example.com" });
    expect((await stripe.events.retrieve(created?.id ?? "")).id).toBe(created?.id);
    const several = await stripe.events.list({
      types: ["customer.created", "customer.updated"],
      limit: 100,
    });
    expect(new Set(several.data.map((e) => e.type))).toEqual(
      new Set(["customer.created", "customer.updated"]),
    );
    const wildcard = await stripe.events.list({ type: "payment_intent.*", limit: 100 });
    expect(wildcard.data.length).toBeGreaterThan(0);
    expect(wildcard.data.every((e) => e.type.startsWith("payment_intent."))).toBe(true);
  });
});
