import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSubscriptionCheckout } from "../../app/billing/subscription-checkout.server";
import { applyFulfilment, fulfilCheckoutSession } from "../../app/payments/fulfilment.server";
import { confirmCheckoutReturn } from "../../app/payments/success.server";
import { startCheckout } from "../../app/payments/checkout.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { writeTransaction } from "../../db/dialect";
import { createPendingPayment, createUser, reloadUser } from "../support/factories";
import { sessionForPayment, stripeEvent } from "../support/stripe-events";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

// No webhook reaches the app here: what the success page and an event do is observed alone.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe({ env: { TRIAL_DAYS: "0" } });
});
afterAll(async () => {
  await app.close();
});

const YEAR_MS = 360 * 24 * 60 * 60 * 1000;

async function paymentRow(id: number) {
  return app.db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function paidSubscriptionSession(role: "company" | "talent") {
  const user = await createUser(app.db, { role });
  const started = await startSubscriptionCheckout(app.db, app.stripe, user, "monthly", new Date());
  if (started.kind !== "redirect") throw new Error(`checkout refused: ${started.kind}`);
  expect((await payOnHostedPage(started.url)).status).toBe(303);
  const row = await paymentRow(started.paymentId);
  const session = await app.stripe.checkout.sessions.retrieve(row.stripe_checkout_session_id!);
  expect(session).toMatchObject({ mode: "subscription", payment_status: "paid" });
  return { user, row, session };
}

describe("the annual fulfilment accepts only what was bought", () => {
  it("a paid monthly subscription session on the one-time success page grants no year", async () => {
    const { user, row, session } = await paidSubscriptionSession("company");

    const result = await confirmCheckoutReturn(app.db, app.stripe, user, session.id, new Date());
    expect(result).toMatchObject({ kind: "problem", status: 409 });
    expect(await paymentRow(row.id)).toMatchObject({
      access_starts_at: null,
      access_ends_at: null,
    });
    const after = await reloadUser(app.db, user.id);
    expect(
      after.access_expires_at === null ||
        Date.parse(after.access_expires_at) < Date.now() + YEAR_MS,
    ).toBe(true);
    const emails = await app.db
      .selectFrom("email_outbox")
      .select("dedupe_key")
      .where("to_email", "=", user.email)
      .execute();
    expect(emails.map((e) => e.dedupe_key)).not.toContain(`payment-confirmation:${row.id}`);
  });

  it("the same subscription session through the one-time fulfilment and the webhook grants no year", async () => {
    const { user, row, session } = await paidSubscriptionSession("talent");

    expect(await fulfilCheckoutSession(app.db, session, new Date())).toEqual({
      kind: "not_one_time",
      mode: "subscription",
    });
    // The event as Stripe sends it goes to the billing sync, never to the annual fulfilment.
    const event = stripeEvent("checkout.session.completed", session);
    expect(
      await processVerifiedEvent(event, { db: app.db, now: new Date(), source: "webhook" }),
    ).toEqual({
      ok: true,
      status: "processed",
    });
    const stored = await paymentRow(row.id);
    expect(stored.access_ends_at).toBeNull();
    const after = await reloadUser(app.db, user.id);
    expect(after.subscription_status).toBe("ACTIVE");
    // A month's access, from the subscription; not a year.
    expect(Date.parse(after.access_expires_at!)).toBeLessThan(Date.now() + 40 * 24 * 3600 * 1000);
  });

  it("a payment-mode session naming another plan, or reserving a recurring plan, is refused and recorded", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const annual = await createPendingPayment(app.db, user);
    const otherPlan = sessionForPayment(annual, {
      metadata: { user_id: String(user.id), plan: "talent_monthly" },
    });
    const first = await writeTransaction(app.db, (trx) =>
      applyFulfilment(trx, otherPlan, new Date()),
    );
    expect(first).toMatchObject({
      kind: "mismatch",
      message: expect.stringMatching(/Plan mismatch/),
    });

    const monthly = await createPendingPayment(app.db, user, {
      plan: "talent_monthly",
      amount: 3000,
    });
    const second = await writeTransaction(app.db, (trx) =>
      applyFulfilment(trx, sessionForPayment(monthly), new Date()),
    );
    expect(second).toMatchObject({
      kind: "mismatch",
      message: expect.stringMatching(/annual plan/),
    });

    for (const id of [annual.id, monthly.id])
      expect(await paymentRow(id)).toMatchObject({
        status: "pending",
        access_ends_at: null,
        failure_message: expect.stringMatching(/mismatch/),
      });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });

  it("the annual plan bought through Checkout still fulfils on the success page", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const started = await startCheckout(app.db, app.stripe, user, new Date());
    if (started.kind !== "redirect") throw new Error(`checkout refused: ${started.kind}`);
    expect((await payOnHostedPage(started.url)).status).toBe(303);
    const row = await paymentRow(started.paymentId);
    const result = await confirmCheckoutReturn(
      app.db,
      app.stripe,
      user,
      row.stripe_checkout_session_id,
      new Date(),
    );
    expect(result.kind).toBe("paid");
    expect((await paymentRow(row.id)).status).toBe("paid");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });
});
