import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSubscription, syncFetched } from "../../app/billing/sync.server";
import { createUser, reloadUser } from "../support/factories";
import {
  emailKeys,
  setupBillingApp,
  subscribe,
  subscriptionRow,
  type BillingTestApp,
} from "../support/billing";

// Two instances sync one subscription at once: each reads Stripe, then writes in its own
// transaction. The per-subscription lock is per process, so nothing orders them but the
// stored row: it keeps the read that started last, whichever transaction commits last.

let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

async function history(subscriptionId: string): Promise<string[]> {
  const rows = await app.db
    .selectFrom("subscription_status_history")
    .select("to_status")
    .where("stripe_subscription_id", "=", subscriptionId)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.to_status);
}

describe("two syncs of one subscription interleaved across instances", () => {
  it("an older read committing last changes nothing: the row and the member's status stay the newer read's", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");

    // Instance A reads the subscription while it is active...
    const older = await readSubscription(app.stripe, subscription.id, {});
    expect(older?.subscription.status).toBe("active");
    // ...the member cancels at Stripe, and instance B reads the cancelled subscription and
    // stores it (after the webhook's own sync, which stored the same state).
    await app.stripe.subscriptions.cancel(subscription.id);
    await app.sim.idle();
    const newer = await readSubscription(app.stripe, subscription.id, {});
    expect(newer?.subscription.status).toBe("canceled");
    expect(newer!.readAt.getTime()).toBeGreaterThan(older!.readAt.getTime());
    const stored = await syncFetched(app.db, newer!, { cause: "instance-b", now: new Date() });
    expect(stored.kind).toBe("synced");
    const emailsBefore = await emailKeys(app.db, user.email);
    const historyBefore = await history(subscription.id);

    // Then A commits its older read.
    const late = await syncFetched(app.db, older!, { cause: "instance-a", now: new Date() });

    expect(late).toEqual({
      kind: "superseded",
      userId: user.id,
      storedReadAt: expect.any(String) as string,
    });
    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      status: "canceled",
      stripe_read_at: newer!.readAt.toISOString(),
    });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("CANCELLED");
    expect(await history(subscription.id)).toEqual(historyBefore);
    expect(historyBefore.at(-1)).toBe("canceled");
    expect(await emailKeys(app.db, user.email)).toEqual(emailsBefore);
  });

  it("a row stored before reads were timed is replaced by the next read", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await app.sim.idle();
    await app.db
      .updateTable("subscriptions")
      .set({ stripe_read_at: null, cancel_at_period_end: 0 })
      .where("stripe_subscription_id", "=", subscription.id)
      .execute();

    await app.stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await app.sim.idle();
    const read = await readSubscription(app.stripe, subscription.id, {});
    await app.db
      .updateTable("subscriptions")
      .set({ stripe_read_at: null, cancel_at_period_end: 0 })
      .where("stripe_subscription_id", "=", subscription.id)
      .execute();
    const result = await syncFetched(app.db, read!, { cause: "sync", now: new Date() });

    expect(result.kind).toBe("synced");
    expect(await subscriptionRow(app.db, subscription.id)).toMatchObject({
      status: "active",
      cancel_at_period_end: 1,
      stripe_read_at: read!.readAt.toISOString(),
    });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });
});
