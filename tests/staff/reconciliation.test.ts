import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import { loader as reconciliationLoader } from "../../app/routes/staff.reconciliation";
import { reconcile } from "../../app/staff/reconciliation.server";
import { createUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";
import { plainMember, staffMember } from "../support/staff";

let app: TestAppWithStripe;
let hook: RouteServer;
let staff: Awaited<ReturnType<typeof staffMember>>;
const month = new Date().toISOString().slice(0, 7);

beforeAll(async () => {
  hook = await serveRoute((request) => handleStripeWebhook(request, { db: app.db }));
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20, maxAttempts: 5 },
  });
  staff = await staffMember(app.db);
});
afterAll(async () => {
  await app.close();
  await hook.close();
});

async function paidPayment() {
  const user = await createUser(app.db, { role: "talent" });
  const cookie = await sessionCookieFor(app.db, user);
  const submit = await run(() =>
    payAction(args(formRequest(`/dashboard/talent/payment`, {}, cookie), { role: "talent" })),
  );
  expect(
    (await payOnHostedPage(submit.headers.get("Location")!, { email: user.email })).status,
  ).toBe(303);
  await app.sim.idle();
  return app.db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", user.id)
    .where("status", "=", "paid")
    .executeTakeFirstOrThrow();
}

describe("/staff/reconciliation", () => {
  it("a month where the app and Stripe agree says no difference, totals side by side", async () => {
    const payment = await paidPayment();
    const report = await reconcile(app.db, app.stripe, month);
    expect(report.differences).toEqual([]);
    expect(report.totals).toEqual([
      expect.objectContaining({
        currency: "mad",
        app: { paid: payment.amount, refunded: 0, disputed: 0 },
        stripe: expect.objectContaining({ charged: payment.amount, refunded: 0, disputed: 0 }),
      }),
    ]);
    const page = await run<{ report: { differences: unknown[] } }>(() =>
      reconciliationLoader(args(getRequest(`/staff/reconciliation?month=${month}`, staff.cookie))),
    );
    expect(page.status).toBe(200);
    expect(page.data!.report.differences).toEqual([]);
  });

  it("lists every object that differs by id with the reason", async () => {
    const payment = await paidPayment();
    // A refund made at Stripe whose webhook never reached the app.
    const refund = await app.stripe.refunds.create({
      payment_intent: payment.stripe_payment_intent_id!,
      amount: 1000,
    });
    await app.sim.idle();
    await app.db.deleteFrom("refunds").where("stripe_refund_id", "=", refund.id).execute();
    // A payment the app recorded with the wrong amount, and one Stripe never charged.
    const other = await paidPayment();
    await app.db
      .updateTable("payments")
      .set({ amount: other.amount + 1 })
      .where("id", "=", other.id)
      .execute();
    const ghost = await plainMember(app.db);
    const now = new Date().toISOString();
    await app.db
      .insertInto("payments")
      .values({
        user_id: ghost.user.id,
        plan: "talent_annual_membership",
        amount: 30000,
        currency: "mad",
        status: "paid",
        idempotency_key: "ghost",
        stripe_payment_intent_id: "pi_not_at_stripe",
        paid_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const report = await reconcile(app.db, app.stripe, month);
    const reasons = report.differences.map((d) => [d.kind, d.id, d.reason]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ["refund", refund.id, "missing in the app"],
        ["charge", other.stripe_payment_intent_id, "amount differs"],
        ["charge", "pi_not_at_stripe", "missing at Stripe"],
      ]),
    );
    expect(reasons).toHaveLength(3);
  });

  it("refuses a month not begun or malformed with 400, and guards like every staff page", async () => {
    for (const m of ["2999-01", "2026-13", "abc"]) {
      const outcome = await run(() =>
        reconciliationLoader(args(getRequest(`/staff/reconciliation?month=${m}`, staff.cookie))),
      );
      expect(outcome.status).toBe(400);
    }
    const member = await plainMember(app.db);
    expect(
      (await run(() => reconciliationLoader(args(getRequest("/staff/reconciliation"))))).status,
    ).toBe(302);
    expect(
      (
        await run(() =>
          reconciliationLoader(args(getRequest("/staff/reconciliation", member.cookie))),
        )
      ).status,
    ).toBe(404);
    const ok = await run(() =>
      reconciliationLoader(args(getRequest("/staff/reconciliation", staff.cookie))),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toBe("private, no-store");
  });
});
