import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncCatalog } from "../../app/billing/catalog-sync.server";
import { recurringCatalog, recurringPlan } from "../../app/payments/catalog";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";

let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

describe("catalog as code synced to Stripe by lookup_key", () => {
  it("the catalog has the issue's prices: monthly and yearly per role, in MAD minor units", () => {
    const amounts = recurringCatalog("MAD").map((p) => [p.id, p.interval, p.amount, p.currency]);
    expect(amounts).toEqual([
      ["talent_monthly", "month", 3000, "MAD"],
      ["talent_yearly", "year", 30000, "MAD"],
      ["professional_monthly", "month", 15000, "MAD"],
      ["professional_yearly", "year", 150000, "MAD"],
      ["company_monthly", "month", 35000, "MAD"],
      ["company_yearly", "year", 350000, "MAD"],
    ]);
  });

  it("creates missing prices once; a second sync finds them and creates nothing", async () => {
    const plans = recurringCatalog("MAD");
    const first = await syncCatalog(app.stripe, plans);
    expect(first.map((p) => p.action)).toEqual(Array(6).fill("created"));
    const second = await syncCatalog(app.stripe, plans);
    expect(second.map((p) => p.action)).toEqual(Array(6).fill("found"));
    expect(second.map((p) => p.priceId)).toEqual(first.map((p) => p.priceId));

    const talent = await app.stripe.prices.list({
      lookup_keys: [recurringPlan("talent", "monthly", "MAD").lookupKey],
    });
    expect(talent.data).toHaveLength(1);
    expect(talent.data[0]).toMatchObject({
      unit_amount: 3000,
      currency: "mad",
      recurring: { interval: "month" },
      product: "talents_acting_talent_membership",
    });
    const all = await app.stripe.prices.list({
      limit: 100,
      product: "talents_acting_talent_membership",
    });
    expect(all.data).toHaveLength(2);
  });

  it("a changed amount gets a new price and the lookup_key moves to it; the old price stays", async () => {
    const plan = recurringPlan("company", "monthly", "MAD");
    const [before] = await syncCatalog(app.stripe, [plan]);
    const [after] = await syncCatalog(app.stripe, [{ ...plan, amount: 39900 }]);
    expect(after?.action).toBe("key_moved");
    expect(after?.priceId).not.toBe(before?.priceId);
    const holder = await app.stripe.prices.list({ lookup_keys: [plan.lookupKey] });
    expect(holder.data.map((p) => [p.id, p.unit_amount])).toEqual([[after?.priceId, 39900]]);
    const old = await app.stripe.prices.retrieve(before!.priceId);
    expect(old).toMatchObject({ unit_amount: 35000, lookup_key: null });
    // Syncing the same change again is a no-op.
    const [again] = await syncCatalog(app.stripe, [{ ...plan, amount: 39900 }]);
    expect(again).toMatchObject({ action: "found", priceId: after?.priceId });
  });
});
