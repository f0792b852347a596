import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardFields, postForm, rejection, startHarness } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.cleanup());

function clientAt(apiVersion: string): Stripe {
  return new Stripe("sk_test_x", {
    host: "127.0.0.1",
    port: h.sim.port,
    protocol: "http",
    apiVersion: apiVersion as Stripe.LatestApiVersion,
  });
}

describe("Stripe-Version", () => {
  it("refuses a version that cannot exist with Stripe's 400, and writes nothing", async () => {
    const before = (await stripe.customers.list({ limit: 100 })).data.length;
    for (const version of [
      "1999-01-01",
      "2024-10-28",
      "2026-13-01",
      "2026-02-30.basil",
      "2099-01-01.zz",
      "latest",
      "2020-08-27.acacia",
    ]) {
      const error = await rejection(clientAt(version).customers.create({ email: "v@x.test" }));
      expect(error.statusCode).toBe(400);
      expect(error.type).toBe("StripeInvalidRequestError");
      expect(error.message).toBe(`Invalid Stripe API version: ${version}`);
    }
    expect((await stripe.customers.list({ limit: 100 })).data.length).toBe(before);
  });

  it("takes known versions (and serves the pinned version's shapes, echoing the header)", async () => {
    for (const version of [Stripe.API_VERSION, "2020-08-27", "2024-09-30.acacia"]) {
      const customer = await clientAt(version).customers.create({ email: "ok@x.test" });
      expect(customer.lastResponse.headers["stripe-version"]).toBe(version);
    }
  });
});

describe("endpoints clients call", () => {
  it("GET /v1/plans lists recurring prices as plans; GET /v1/plans/:id", async () => {
    const price = await stripe.prices.create({
      currency: "mad",
      unit_amount: 3000,
      recurring: { interval: "month" },
      product_data: { name: "Monthly" },
    });
    await stripe.prices.create({
      currency: "mad",
      unit_amount: 100,
      product_data: { name: "One" },
    });
    const plans = await stripe.plans.list({ limit: 100 });
    expect(plans.data.map((p) => p.id)).toEqual([price.id]);
    expect(plans.data[0]).toMatchObject({
      object: "plan",
      amount: 3000,
      currency: "mad",
      interval: "month",
    });
    expect((await stripe.plans.retrieve(price.id)).id).toBe(price.id);
    expect((await rejection(stripe.plans.retrieve("price_missing"))).statusCode).toBe(404);
  });

  it("GET /v1/setup_intents/:id for Checkout's setup mode", async () => {
    const customer = await stripe.customers.create({ email: "s@x.test" });
    const session = await stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "mad",
      success_url: "http://app.test/ok",
    });
    expect((await postForm(session.url ?? "", cardFields("4242424242424242"))).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    const intent = await stripe.setupIntents.retrieve(done.setup_intent as string);
    expect(intent).toMatchObject({
      object: "setup_intent",
      status: "succeeded",
      customer: customer.id,
    });
    expect((await stripe.setupIntents.list({ customer: customer.id })).data).toHaveLength(1);
  });
});
