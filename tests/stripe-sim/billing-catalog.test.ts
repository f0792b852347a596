import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventTypes,
  rejection,
  startHarness,
  advanceTo,
  clockCustomer,
  DAY,
  monthlyPrice,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  // The account setting that keeps a subscription as unpaid (instead of canceling it) after the last retry.
  h = await startHarness({ subscriptionAfterFailedRetries: "unpaid" });
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

describe("recurring prices and catalog updates", () => {
  it("creates recurring prices per interval and refuses intervals over a year", async () => {
    for (const [interval, count] of [
      ["day", 30],
      ["week", 2],
      ["month", 3],
      ["year", 1],
    ] as const) {
      const price = await stripe.prices.create({
        currency: "mad",
        unit_amount: 100,
        recurring: { interval, interval_count: count },
        product_data: { name: `${count} ${interval}` },
      });
      expect(price).toMatchObject({
        type: "recurring",
        recurring: { interval, interval_count: count, usage_type: "licensed" },
      });
    }
    const tooLong = await rejection(
      stripe.prices.create({
        currency: "mad",
        unit_amount: 100,
        recurring: { interval: "month", interval_count: 13 },
        product_data: { name: "x" },
      }),
    );
    expect(tooLong.param).toBe("recurring[interval_count]");
    const monthly = await stripe.prices.list({
      type: "recurring",
      recurring: { interval: "month" },
    });
    expect(monthly.data.every((p) => p.recurring?.interval === "month")).toBe(true);
  });

  it("updates prices (active, lookup_key with transfer) and products, with previous_attributes", async () => {
    const old = await stripe.prices.create({
      currency: "mad",
      unit_amount: 3000,
      recurring: { interval: "month" },
      lookup_key: "talent_monthly",
      product_data: { name: "Talent" },
    });
    const next = await stripe.prices.create({
      currency: "mad",
      unit_amount: 3500,
      recurring: { interval: "month" },
      product: old.product as string,
    });
    const refused = await rejection(
      stripe.prices.update(next.id, { lookup_key: "talent_monthly" }),
    );
    expect(refused.code).toBe("lookup_key_already_in_use");
    const moved = await stripe.prices.update(next.id, {
      lookup_key: "talent_monthly",
      transfer_lookup_key: true,
    });
    expect(moved.lookup_key).toBe("talent_monthly");
    expect((await stripe.prices.retrieve(old.id)).lookup_key).toBeNull();
    const archived = await stripe.prices.update(old.id, { active: false });
    expect(archived.active).toBe(false);
    const product = await stripe.products.update(old.product as string, {
      name: "Talent membership",
      default_price: next.id,
    });
    expect(product).toMatchObject({ name: "Talent membership", default_price: next.id });
    const events = await stripe.events.list({ type: "price.updated", limit: 3 });
    expect(events.data[0]?.data.previous_attributes).toEqual({ active: true });
    expect(await eventTypes(stripe, { type: "product.updated" })).toEqual(["product.updated"]);
    const wrong = await rejection(
      stripe.products.update(old.product as string, { default_price: "price_missing" }),
    );
    expect(wrong.statusCode).toBe(400);
  });
});

describe("after the last failed retry, with the unpaid setting", () => {
  it("marks the subscription unpaid and keeps later renewal invoices as drafts", async () => {
    const start = Date.UTC(2026, 8, 1, 12) / 1000;
    const { clock, customer } = await clockCustomer(stripe, start, "pm_card_chargeCustomerFail");
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 3,
    });
    await advanceTo(stripe, clock.id, start + 3 * DAY + 16 * DAY);
    const unpaid = await stripe.subscriptions.retrieve(subscription.id);
    expect(unpaid.status).toBe("unpaid");
    const periodEnd = unpaid.items.data[0]?.current_period_end ?? 0;
    await advanceTo(stripe, clock.id, periodEnd + 2 * 3600);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((i) => [i.status, i.attempt_count])).toEqual([
      ["draft", 0],
      ["open", 4],
      ["paid", 0],
    ]);
  });
});
