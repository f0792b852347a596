import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { User } from "../../db/schema";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import { action as memberAction } from "../../app/routes/staff.members.$id";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, run } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";
import { auditRows, english, nonce, staffMember, staffPost } from "../support/staff";
import type { MemberActionData } from "../../app/staff/member-page.server";

// Refunds from the member page against the stand-in, whose signed webhooks reach the real
// webhook handler three times each, shuffled.
let app: TestAppWithStripe;
let hook: RouteServer;
let staff: Awaited<ReturnType<typeof staffMember>>;

beforeAll(async () => {
  hook = await serveRoute((request) => handleStripeWebhook(request, { db: app.db }));
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { duplicates: 3, shuffle: true, retryBaseMs: 20, maxAttempts: 5 },
  });
  staff = await staffMember(app.db);
});
afterAll(async () => {
  await app.close();
  await hook.close();
});

async function paidMember(role: User["role"] = "talent") {
  const user = await createUser(app.db, { role });
  const cookie = await sessionCookieFor(app.db, user);
  const submit = await run(() =>
    payAction(
      args(formRequest(`/dashboard/${user.role}/payment`, {}, cookie), { role: user.role }),
    ),
  );
  expect(submit.status).toBe(303);
  expect(
    (await payOnHostedPage(submit.headers.get("Location")!, { email: user.email })).status,
  ).toBe(303);
  await app.sim.idle();
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", user.id)
    .where("status", "=", "paid")
    .executeTakeFirstOrThrow();
  expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  return { user, payment };
}

function refund(
  userId: number,
  fields: { payment: number; amount: string; reason?: string; nonce?: string },
  origin?: string,
) {
  return run<MemberActionData>(() =>
    memberAction(
      args(
        staffPost(
          `/staff/members/${userId}`,
          {
            intent: "refund",
            nonce: fields.nonce ?? nonce(),
            payment: String(fields.payment),
            amount: fields.amount,
            reason: fields.reason ?? "Asked for a refund",
          },
          staff.cookie,
          origin,
        ),
        { id: String(userId) },
      ),
    ),
  );
}

async function stripeRefunds(paymentIntent: string) {
  return (await app.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 })).data;
}

describe("refunds from the staff console", () => {
  it("a double submit makes one refund at Stripe and one audit entry; the webhook, delivered 3 times, applies it once", async () => {
    const { user, payment } = await paidMember();
    const key = nonce();
    const [first, second] = await Promise.all([
      refund(user.id, { payment: payment.id, amount: String(payment.amount), nonce: key }),
      refund(user.id, { payment: payment.id, amount: String(payment.amount), nonce: key }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(1);
    const audit = (await auditRows(app.db)).filter(
      (a) => a.action === "refund" && a.target_user_id === user.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: "done",
      reason: "Asked for a refund",
      staff_user_id: staff.user.id,
    });
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({
      amount: payment.amount,
      currency: "mad",
    });

    // The stand-in delivers charge.refunded and refund.* three times each, shuffled: applied once.
    await app.sim.idle();
    const after = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(after.refunded_amount).toBe(payment.amount);
    const recorded = await app.db
      .selectFrom("refunds")
      .selectAll()
      .where("payment_id", "=", payment.id)
      .execute();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.amount).toBe(payment.amount);
    expect((await reloadUser(app.db, user.id)).subscription_status).not.toBe("ACTIVE");
    // Submitting the same form once more still refunds nothing more.
    expect(
      (await refund(user.id, { payment: payment.id, amount: String(payment.amount), nonce: key }))
        .status,
    ).toBe(200);
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(1);
  });

  it("a partial refund asks Stripe for that amount only", async () => {
    const { user, payment } = await paidMember("professional");
    expect((await refund(user.id, { payment: payment.id, amount: "5000" })).status).toBe(200);
    const refunds = await stripeRefunds(payment.stripe_payment_intent_id!);
    expect(refunds.map((r) => r.amount)).toEqual([5000]);
    await app.sim.idle();
    const after = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(after.refunded_amount).toBe(5000);
    // What is left is still refundable; more than that is refused before Stripe.
    const over = await refund(user.id, { payment: payment.id, amount: String(payment.amount) });
    expect(over.status).toBe(400);
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(1);
  });

  it("an amount over the refundable, not an integer, or zero is a 400 and nothing is sent to Stripe", async () => {
    const { user, payment } = await paidMember();
    const before = (await auditRows(app.db)).length;
    for (const amount of [String(payment.amount + 1), "12.5", "0", "-100", "1e3", ""]) {
      const outcome = await refund(user.id, { payment: payment.id, amount });
      expect(outcome.status).toBe(400);
      expect(outcome.data?.fieldErrors.amount ?? outcome.data?.message).toBeTruthy();
    }
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(0);
    expect((await auditRows(app.db)).length).toBe(before);
    // Another member's payment, or an unknown one, is 404.
    const other = await createUser(app.db);
    expect((await refund(other.id, { payment: payment.id, amount: "100" })).status).toBe(404);
    expect((await refund(user.id, { payment: 99999999, amount: "100" })).status).toBe(404);
  });

  it("a refund Stripe refuses shows Stripe's message and writes a failed audit entry", async () => {
    const { user, payment } = await paidMember();
    // Refunded at Stripe behind the app's back, before its webhook arrives: the app still
    // believes the whole amount is refundable, Stripe does not.
    await app.stripe.refunds.create({
      payment_intent: payment.stripe_payment_intent_id!,
      amount: payment.amount,
    });
    await app.db
      .updateTable("payments")
      .set({ refunded_amount: 0, status: "paid" })
      .where("id", "=", payment.id)
      .execute();
    const outcome = await refund(user.id, { payment: payment.id, amount: String(payment.amount) });
    expect(outcome.status).toBe(409);
    expect(english(outcome.data?.message)).toMatch(
      /^The refund was not made: Stripe refused the refund: /,
    );
    const entry = (await auditRows(app.db)).at(-1)!;
    expect(entry).toMatchObject({ action: "refund", outcome: "failed", target_user_id: user.id });
    expect(entry.error).toMatch(/Stripe refused the refund/);
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(1);
  });

  it("refuses a cross-site POST without calling Stripe", async () => {
    const { user, payment } = await paidMember();
    const outcome = await refund(
      user.id,
      { payment: payment.id, amount: "100" },
      "https://evil.example",
    );
    expect(outcome.status).toBe(403);
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toHaveLength(0);
  });
});
