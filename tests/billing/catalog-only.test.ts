import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogPrices, syncCatalog } from "../../app/billing/catalog-sync.server";
import { syncSubscription } from "../../app/billing/sync.server";
import { membershipProductId, recurringPlan } from "../../app/payments/catalog";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import { createUser, reloadUser } from "../support/factories";
import {
  emailKeys,
  setupBillingApp,
  subscribe,
  subscriptionRow,
  type BillingTestApp,
} from "../support/billing";

let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

describe("only the catalog's prices grant access", () => {
  it("a subscription at a price made outside the catalog is stored, flagged and grants nothing", async () => {
    const user = await createUser(app.db, { role: "company" });
    const customer = await getOrCreateStripeCustomer(app.db, app.stripe, user, new Date());
    await catalogPrices(app.stripe);
    // 1 MAD a month on the membership's own product, even claiming a catalog plan in metadata.
    const cheap = await app.stripe.prices.create({
      product: membershipProductId("company"),
      currency: "mad",
      unit_amount: 100,
      recurring: { interval: "month" },
      metadata: { plan: "company_monthly", role: "company" },
    });
    const subscription = await app.stripe.subscriptions.create({
      customer,
      items: [{ price: cheap.id }],
      default_payment_method: "pm_card_visa",
      trial_period_days: 730,
    });
    await app.sim.idle();

    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      status: "trialing",
      off_catalog: 1,
      stripe_price_id: cheap.id,
      amount: 100,
    });
    expect(await subscriptionRow(app.db, subscription.id)).not.toMatchObject({
      plan: "company_monthly",
    });
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("NONE");
    expect(await emailKeys(app.db, user.email)).toEqual([]);
    const conflicts = await app.db
      .selectFrom("membership_conflicts")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(conflicts).toEqual([
      expect.objectContaining({
        kind: "off_catalog_subscription",
        action: "flagged",
        resolved: `subscription:${subscription.id}`,
      }),
    ]);
  });

  it("a catalog price of another role grants nothing", async () => {
    const user = await createUser(app.db, { role: "company" });
    const customer = await getOrCreateStripeCustomer(app.db, app.stripe, user, new Date());
    const talentPrice = (await catalogPrices(app.stripe)).get("talent_monthly")!.priceId;
    const subscription = await app.stripe.subscriptions.create({
      customer,
      items: [{ price: talentPrice }],
      default_payment_method: "pm_card_visa",
    });
    await app.sim.idle();
    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      status: "active",
      off_catalog: 1,
    });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });

  it("a price the catalog once had keeps granting after its lookup key moved on", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    const oldPrice = (await subscriptionRow(app.db, subscription.id)).stripe_price_id;
    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      off_catalog: 0,
      plan: "talent_monthly",
    });

    // A price change moves the lookup key away twice (to 35 MAD, then back to the catalog's
    // 30 MAD in a new price): the process's catalog no longer names the subscription's price.
    const plan = recurringPlan("talent", "monthly", "MAD");
    await syncCatalog(app.stripe, [{ ...plan, amount: 3500 }]);
    const current = (await catalogPrices(app.stripe, { resync: true })).get("talent_monthly")!;
    expect(current.priceId).not.toBe(oldPrice);

    const result = await syncSubscription(app.db, app.stripe, subscription.id, {
      cause: "sync",
      now: new Date(),
    });
    expect(result.kind).toBe("synced");
    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      off_catalog: 0,
      plan: "talent_monthly",
    });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    await app.sim.idle();
  });
});
