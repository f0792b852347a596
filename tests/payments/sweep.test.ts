import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireLapsedAccess } from "../../app/payments/sweep.server";
import { queryPlan, readsIndex, setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, reloadUser } from "../support/factories";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

describe("access expiry sweep", () => {
  it("writes EXPIRED for ACTIVE users whose access ended, and only for them", async () => {
    const lapsed = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(-1),
    });
    const current = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(10),
    });
    const none = await createUser(app.db);
    expect(await expireLapsedAccess(app.db, new Date())).toBe(1);
    expect((await reloadUser(app.db, lapsed.id)).subscription_status).toBe("EXPIRED");
    expect((await reloadUser(app.db, current.id)).subscription_status).toBe("ACTIVE");
    expect((await reloadUser(app.db, none.id)).subscription_status).toBe("NONE");
    expect(await expireLapsedAccess(app.db, new Date())).toBe(0);
  });

  it("leaves a member whose subscription is running and within the renewal grace; expires one past it", async () => {
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const renewing = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: hourAgo,
    });
    await subscription(renewing.id, "active", hourAgo);
    const retrying = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: hourAgo,
    });
    await subscription(retrying.id, "past_due", hourAgo);
    const stale = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(-3),
    });
    await subscription(stale.id, "active", daysFromNow(-3));
    const ended = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: hourAgo,
    });
    await subscription(ended.id, "canceled", hourAgo);

    expect(await expireLapsedAccess(app.db, new Date())).toBe(2);
    expect((await reloadUser(app.db, renewing.id)).subscription_status).toBe("ACTIVE");
    expect((await reloadUser(app.db, retrying.id)).subscription_status).toBe("ACTIVE");
    expect((await reloadUser(app.db, stale.id)).subscription_status).toBe("EXPIRED");
    expect((await reloadUser(app.db, ended.id)).subscription_status).toBe("EXPIRED");
  });

  it("reads ACTIVE users by end date through the partial index, not a scan of users", async () => {
    const plan = await queryPlan(
      app.db,
      "update users set subscription_status = 'EXPIRED' where subscription_status = 'ACTIVE' and access_expires_at is not null and access_expires_at <= '2027-01-01'",
    );
    expect(plan).toMatch(readsIndex("users_active_access_expires_at_idx"));
  });
});

let subscriptionCounter = 0;
async function subscription(userId: number, status: string, periodEnd: string) {
  subscriptionCounter += 1;
  const now = new Date().toISOString();
  await app.db
    .insertInto("subscriptions")
    .values({
      stripe_subscription_id: `sub_sweep_${subscriptionCounter}`,
      user_id: userId,
      stripe_customer_id: `cus_sweep_${subscriptionCounter}`,
      plan: "talent_monthly",
      interval: "month",
      stripe_price_id: "price_sweep",
      amount: 3000,
      currency: "mad",
      status,
      current_period_start: daysFromNow(-30),
      current_period_end: periodEnd,
      cancel_at_period_end: 0,
      stripe_created_at: now,
      synced_at: now,
    })
    .execute();
}
