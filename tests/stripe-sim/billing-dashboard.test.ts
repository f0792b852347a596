import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  getPage,
  postForm,
  startHarness,
  clockCustomer,
  DAY,
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

describe("dashboard billing sections", () => {
  it("lists subscriptions, invoices and test clocks, and advances a clock from its form", async () => {
    const start = Date.UTC(2026, 7, 1) / 1000;
    const { clock, customer } = await clockCustomer(stripe, start);
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 2,
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const dashboard = await getPage(`${h.sim.url}/_sim`);
    expect(dashboard.html).toContain('id="subscriptions"');
    expect(dashboard.html).toContain(subscription.id);
    expect(dashboard.html).toContain(invoice.number ?? "missing number");
    expect(dashboard.html).toContain(`/_sim/test-clocks/${clock.id}/advance`);

    const bad = await postForm(`${h.sim.url}/_sim/test-clocks/${clock.id}/advance`, { days: "-1" });
    expect(bad.status).toBe(400);
    const advanced = await postForm(`${h.sim.url}/_sim/test-clocks/${clock.id}/advance`, {
      days: "3",
      hours: "0",
    });
    expect(advanced.status).toBe(303);
    let current = await stripe.testHelpers.testClocks.retrieve(clock.id);
    for (let i = 0; current.status !== "ready" && i < 100; i++)
      current = await stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(current.frozen_time).toBe(start + 3 * DAY);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});
