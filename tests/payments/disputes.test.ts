import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCheckout } from "../../app/payments/checkout.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import type { User } from "../../db/schema";
import { createUser, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

const STAFF = "staff-desk@example.test";
let app: TestAppWithStripe;
let hook: RouteServer;
beforeAll(async () => {
  hook = await serveRoute((request) => webhookAction(args(request)));
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20, maxAttempts: 5 },
    env: { STAFF_EMAIL: STAFF },
  });
});
afterAll(async () => {
  await app.close();
  await hook.close();
});

/** Pays the year with Stripe's test card that is charged back at once. */
async function payTheYearThenDispute(user: User) {
  const started = await startCheckout(app.db, app.stripe, user, new Date());
  if (started.kind !== "redirect") throw new Error(`checkout refused: ${started.kind}`);
  expect((await payOnHostedPage(started.url, { cardNumber: "4000 0000 0000 0259" })).status).toBe(
    303,
  );
  await app.sim.idle();
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("id", "=", started.paymentId)
    .executeTakeFirstOrThrow();
  expect(payment.status).toBe("paid");
  const dispute = await app.db
    .selectFrom("disputes")
    .selectAll()
    .where("payment_id", "=", payment.id)
    .executeTakeFirstOrThrow();
  return { payment, dispute };
}

async function staffNotices() {
  const rows = await app.db
    .selectFrom("email_outbox")
    .select("dedupe_key")
    .where("to_email", "=", STAFF)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.dedupe_key);
}

describe("disputes withhold access until they close", () => {
  it("created: suspended and staff told; won: access back", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { payment, dispute } = await payTheYearThenDispute(user);
    expect(dispute).toMatchObject({
      user_id: user.id,
      amount: payment.amount,
      currency: "mad",
      reason: "fraudulent",
      closed_at: null,
    });
    const suspended = await reloadUser(app.db, user.id);
    expect(suspended.subscription_status).toBe("CANCELLED");
    expect(await staffNotices()).toContain(`dispute-notice:${dispute.stripe_dispute_id}:opened`);

    await app.stripe.disputes.update(dispute.stripe_dispute_id, {
      evidence: { uncategorized_text: "winning_evidence" },
    });
    await app.sim.idle();
    const row = await app.db
      .selectFrom("disputes")
      .selectAll()
      .where("id", "=", dispute.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("won");
    expect(row.closed_at).not.toBeNull();
    const restored = await reloadUser(app.db, user.id);
    expect(restored.subscription_status).toBe("ACTIVE");
    expect(restored.access_expires_at).toBe(payment.access_ends_at);
    expect(await staffNotices()).toContain(`dispute-notice:${dispute.stripe_dispute_id}:won`);
  });

  it("lost: access stays ended", async () => {
    const user = await createUser(app.db, { role: "company" });
    const { dispute } = await payTheYearThenDispute(user);
    await app.stripe.disputes.update(dispute.stripe_dispute_id, {
      evidence: { uncategorized_text: "losing_evidence" },
    });
    await app.sim.idle();
    const row = await app.db
      .selectFrom("disputes")
      .select(["status"])
      .where("id", "=", dispute.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("lost");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("CANCELLED");
    expect(await staffNotices()).toContain(`dispute-notice:${dispute.stripe_dispute_id}:lost`);
  });
});
