import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFor, reservePayment, startCheckout } from "../../app/payments/checkout.server";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import { createUser } from "../support/factories";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";

// Checkout branches against the Stripe stand-in, which enforces Idempotency-Key reuse rules.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

const paymentsOf = (userId: number) =>
  app.db.selectFrom("payments").selectAll().where("user_id", "=", userId).orderBy("id").execute();
const sessionsOf = async (userId: number) =>
  (await app.stripe.checkout.sessions.list({ limit: 100 })).data.filter(
    (s) => s.client_reference_id === String(userId),
  );

describe("checkout", () => {
  it("a retry reaching Stripe with other parameters under the same Idempotency-Key: the app's message, no half-written row", async () => {
    const user = await createUser(app.db);
    const now = new Date();
    const plan = planFor(user);
    // A first attempt reserved the payment and reached Stripe with other parameters (say, the
    // price before a deploy), then died before recording the session.
    const reservation = await reservePayment(app.db, user.id, plan, now);
    const customer = await getOrCreateStripeCustomer(app.db, app.stripe, user, now);
    await app.stripe.checkout.sessions.create(
      {
        mode: "payment",
        customer,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: "mad",
              unit_amount: plan.amount - 100,
              product_data: { name: plan.name },
            },
          },
        ],
        success_url: "http://localhost:3000/payment/success?session_id={CHECKOUT_SESSION_ID}",
      },
      { idempotencyKey: reservation.idempotency_key },
    );

    const retry = await startCheckout(app.db, app.stripe, user, now);
    expect(retry).toEqual({
      kind: "provider_error",
      status: 502,
      message: "payment:problems.startFailed",
    });
    expect(await paymentsOf(user.id)).toEqual([]);

    // The next attempt reserves afresh with a new key and goes through.
    const again = await startCheckout(app.db, app.stripe, user, now);
    expect(again).toMatchObject({ kind: "redirect", reused: false });
    const rows = await paymentsOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", amount: plan.amount });
    expect(rows[0]?.idempotency_key).not.toBe(reservation.idempotency_key);
  });

  it("a catalog price change starts a new reservation instead of reusing the open checkout at the old price", async () => {
    const user = await createUser(app.db);
    const plan = planFor(user);
    const first = await startCheckout(app.db, app.stripe, user, new Date());
    expect(first).toMatchObject({ kind: "redirect", reused: false });
    // The open reservation was made at yesterday's price.
    await app.db
      .updateTable("payments")
      .set({ amount: plan.amount - 5000 })
      .where("user_id", "=", user.id)
      .execute();

    const second = await startCheckout(app.db, app.stripe, user, new Date());
    expect(second).toMatchObject({ kind: "redirect", reused: false });
    if (first.kind !== "redirect" || second.kind !== "redirect") throw new Error("unreachable");
    expect(second.url).not.toBe(first.url);
    const rows = await paymentsOf(user.id);
    expect(rows.map((r) => r.amount)).toEqual([plan.amount - 5000, plan.amount]);
    const sessions = await sessionsOf(user.id);
    expect(sessions.find((s) => s.url === second.url)?.amount_total).toBe(plan.amount);
  });
});
