import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startCheckout } from "../../app/payments/checkout.server";
import { createUser } from "../support/factories";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";

let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

type CreateArgs = Parameters<Stripe["checkout"]["sessions"]["create"]>;
interface HeldCall {
  args: CreateArgs;
  release(outcome: "fail" | "call Stripe"): void;
}

/**
 * The app's Stripe client, except that each Checkout Session create waits until the test
 * releases it, either failing (as a network error would) or going on to the stand-in.
 */
function gatedStripe(): { client: Stripe; calls: HeldCall[] } {
  const calls: HeldCall[] = [];
  const create = (...args: CreateArgs) =>
    new Promise<Stripe.Response<Stripe.Checkout.Session>>((resolve, reject) => {
      calls.push({
        args,
        release(outcome) {
          if (outcome === "fail") reject(new Error("simulated connection reset"));
          else app.stripe.checkout.sessions.create(...args).then(resolve, reject);
        },
      });
    });
  const client = Object.create(app.stripe, {
    checkout: { value: { sessions: { create } } },
  }) as Stripe;
  return { client, calls };
}

const paymentsOf = (userId: number) =>
  app.db.selectFrom("payments").selectAll().where("user_id", "=", userId).execute();

describe("two submits sharing one reservation", () => {
  it("when the first Stripe call fails and the second succeeds, the live session still has its payment row", async () => {
    const user = await createUser(app.db);
    const { client, calls } = gatedStripe();
    const first = startCheckout(app.db, client, user, new Date());
    const second = startCheckout(app.db, client, user, new Date());
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    const key = calls[0]!.args[1]?.idempotencyKey;
    expect(key).toEqual(expect.any(String));
    expect(calls[1]!.args[1]?.idempotencyKey).toBe(key);

    // The failing request deletes the reservation before the other one hears from Stripe.
    calls[0]!.release("fail");
    await vi.waitFor(async () => expect(await paymentsOf(user.id)).toHaveLength(0));
    calls[1]!.release("call Stripe");

    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.kind).sort()).toEqual(["provider_error", "redirect"]);
    const redirect = results.find((r) => r.kind === "redirect");
    if (redirect?.kind !== "redirect") throw new Error("no redirect");

    const rows = await paymentsOf(user.id);
    expect(rows).toHaveLength(1);
    const session = await app.stripe.checkout.sessions.retrieve(
      rows[0]!.stripe_checkout_session_id!,
    );
    expect(rows[0]).toMatchObject({
      id: redirect.paymentId,
      status: "pending",
      idempotency_key: key,
      checkout_url: redirect.url,
      amount: session.amount_total,
      currency: session.currency,
      stripe_customer_id: session.customer,
    });
    expect(session.url).toBe(redirect.url);
    expect(session.metadata?.payment_id).toBe(String(rows[0]!.id));
  });

  it("a failed Stripe call that nobody else shares leaves no payment row", async () => {
    const user = await createUser(app.db);
    const { client, calls } = gatedStripe();
    const only = startCheckout(app.db, client, user, new Date());
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    calls[0]!.release("fail");
    expect(await only).toMatchObject({ kind: "provider_error", status: 502 });
    expect(await paymentsOf(user.id)).toEqual([]);
  });
});
