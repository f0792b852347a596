import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findDueReminders } from "../../app/access/renewal-reminders.server";
import type { User } from "../../db/schema";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser, daysFromNow } from "../support/factories";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

/** A member whose annual year (paid once) ends in 5 days: a renewal reminder is due. */
async function memberWithEndingYear(): Promise<User> {
  const ends = daysFromNow(5);
  const user = await createUser(app.db, { subscription_status: "ACTIVE", access_expires_at: ends });
  const payment = await createPendingPayment(app.db, user, {
    plan: "talent_annual_membership",
    status: "paid",
  });
  await app.db
    .updateTable("payments")
    .set({ access_ends_at: ends })
    .where("id", "=", payment.id)
    .execute();
  return user;
}

async function addSubscription(user: User, status: string) {
  const now = new Date().toISOString();
  await app.db
    .insertInto("subscriptions")
    .values({
      stripe_subscription_id: `sub_${user.id}_${status}`,
      user_id: user.id,
      stripe_customer_id: `cus_${user.id}`,
      plan: "talent_monthly",
      interval: "month",
      stripe_price_id: "price_x",
      amount: 3000,
      currency: "mad",
      status,
      current_period_end: daysFromNow(5),
      cancel_at_period_end: 0,
      stripe_created_at: now,
      synced_at: now,
    })
    .execute();
}

describe("renewal reminders and auto-renewing plans", () => {
  it("a member whose subscription still runs gets no 'renew your year' reminder; one whose subscription ended does", async () => {
    const plain = await memberWithEndingYear();
    const subscribed = await memberWithEndingYear();
    await addSubscription(subscribed, "active");
    const ended = await memberWithEndingYear();
    await addSubscription(ended, "canceled");

    const due = (await findDueReminders(app.db, new Date())).map((r) => r.userId);
    expect(due).toContain(plain.id);
    expect(due).toContain(ended.id);
    expect(due).not.toContain(subscribed.id);
  });
});
