import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canPay } from "../../app/access/period";
import { startCheckout } from "../../app/payments/checkout.server";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { stripe } from "../../app/lib/stripe.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser, reloadUser } from "../support/factories";
import {
  checkoutSessionObject,
  stripeEvent,
  webhookRequest,
  sessionForPayment,
} from "../support/stripe-events";

// Fulfilment branches where a mistake costs a member their access: an orphaned payment row,
// the renewal window's edges, and events arriving after the payment settled.
let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2027-03-10T12:00:00.000Z");
const plusYear = (iso: string) => {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString();
};

/** Delivers a signed event to the webhook handler, processing it as of `now`. */
async function deliver(type: string, session: object, now = NOW) {
  const event = stripeEvent(type, session);
  const response = await handleStripeWebhook(webhookRequest(event), { db: app.db, now: () => now });
  expect(response.status).toBe(200);
  return app.db
    .selectFrom("stripe_webhook_events")
    .selectAll()
    .where("event_id", "=", event.id)
    .executeTakeFirstOrThrow();
}

const emailsOf = (email: string) =>
  app.db.selectFrom("email_outbox").selectAll().where("to_email", "=", email).execute();
const paymentRow = (id: number) =>
  app.db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("a payment row that lost its Checkout Session id", () => {
  it("is found through the session's metadata: ACTIVE once, one email, the session id written back", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const sessionId = payment.stripe_checkout_session_id!;
    // The process stopped between Stripe's answer and the write of the session id.
    await app.db
      .updateTable("payments")
      .set({ stripe_checkout_session_id: null })
      .where("id", "=", payment.id)
      .execute();
    const session = checkoutSessionObject({
      id: sessionId,
      client_reference_id: String(user.id),
      metadata: { user_id: String(user.id), plan: payment.plan, payment_id: String(payment.id) },
    });

    await deliver("checkout.session.completed", session);
    await deliver("checkout.session.completed", session);
    await deliver("checkout.session.async_payment_succeeded", session);

    const row = await paymentRow(payment.id);
    expect(row).toMatchObject({
      status: "paid",
      stripe_checkout_session_id: sessionId,
      access_ends_at: plusYear(NOW.toISOString()),
    });
    expect(await reloadUser(app.db, user.id)).toMatchObject({
      subscription_status: "ACTIVE",
      access_expires_at: plusYear(NOW.toISOString()),
    });
    expect((await emailsOf(user.email)).map((e) => e.dedupe_key)).toEqual([
      `payment-confirmation:${payment.id}`,
    ]);
  });

  it("is not adopted by a session whose metadata names another member", async () => {
    const owner = await createUser(app.db);
    const other = await createUser(app.db);
    const payment = await createPendingPayment(app.db, owner);
    await app.db
      .updateTable("payments")
      .set({ stripe_checkout_session_id: null })
      .where("id", "=", payment.id)
      .execute();
    const session = checkoutSessionObject({
      client_reference_id: String(other.id),
      metadata: { user_id: String(other.id), payment_id: String(payment.id) },
    });

    const event = await deliver("checkout.session.completed", session);
    expect(event.note).toMatch(/not created by this app/);
    expect(await paymentRow(payment.id)).toMatchObject({
      status: "pending",
      stripe_checkout_session_id: null,
    });
    expect((await reloadUser(app.db, owner.id)).subscription_status).toBe("NONE");
    expect((await reloadUser(app.db, other.id)).subscription_status).toBe("NONE");
  });
});

describe("the renewal window", () => {
  it("exactly 30 days before the end a member can pay; 30 days and one second before, not", async () => {
    const atEdge = {
      subscription_status: "ACTIVE" as const,
      access_expires_at: new Date(NOW.getTime() + 30 * DAY).toISOString(),
    };
    const beyond = {
      subscription_status: "ACTIVE" as const,
      access_expires_at: new Date(NOW.getTime() + 30 * DAY + 1000).toISOString(),
    };
    expect(canPay(atEdge, NOW)).toBe(true);
    expect(canPay(beyond, NOW)).toBe(false);

    // The checkout itself refuses before it talks to Stripe, and reserves nothing.
    const user = await createUser(app.db, beyond);
    const result = await startCheckout(app.db, stripe(), user, NOW);
    expect(result).toMatchObject({ kind: "refused", status: 409 });
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(0);
  });

  it("an ACTIVE member paying exactly 30 days before the end gets the new year from the old end", async () => {
    const oldEnd = new Date(NOW.getTime() + 30 * DAY).toISOString();
    const user = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: oldEnd,
    });
    const payment = await createPendingPayment(app.db, user);
    await deliver("checkout.session.completed", sessionForPayment(payment, {}));

    expect(await paymentRow(payment.id)).toMatchObject({
      status: "paid",
      access_starts_at: oldEnd,
      access_ends_at: plusYear(oldEnd),
    });
    expect(await reloadUser(app.db, user.id)).toMatchObject({
      subscription_status: "ACTIVE",
      access_expires_at: plusYear(oldEnd),
    });
  });

  it.each([
    ["EXPIRED", "EXPIRED" as const],
    ["ACTIVE whose end passed before the sweep ran", "ACTIVE" as const],
  ])("a member %s pays and the year starts now", async (_label, status) => {
    const user = await createUser(app.db, {
      subscription_status: status,
      access_expires_at: new Date(NOW.getTime() - 5 * DAY).toISOString(),
    });
    const payment = await createPendingPayment(app.db, user);
    await deliver("checkout.session.completed", sessionForPayment(payment, {}));

    expect(await paymentRow(payment.id)).toMatchObject({
      status: "paid",
      access_starts_at: NOW.toISOString(),
      access_ends_at: plusYear(NOW.toISOString()),
    });
    expect(await reloadUser(app.db, user.id)).toMatchObject({
      subscription_status: "ACTIVE",
      access_expires_at: plusYear(NOW.toISOString()),
    });
  });
});

describe("events after the payment settled, and mismatches", () => {
  it("async_payment_failed after the payment is paid changes nothing and sends no failure email", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const session = sessionForPayment(payment, {});
    await deliver("checkout.session.completed", session);
    const paid = await paymentRow(payment.id);
    const active = await reloadUser(app.db, user.id);

    const event = await deliver(
      "checkout.session.async_payment_failed",
      { ...session, payment_status: "unpaid" },
      new Date(NOW.getTime() + DAY),
    );
    expect(event).toMatchObject({ processed: 1, note: "payment already settled; unchanged" });
    expect(await paymentRow(payment.id)).toEqual(paid);
    expect(await reloadUser(app.db, user.id)).toEqual(active);
    expect((await emailsOf(user.email)).map((e) => e.dedupe_key)).toEqual([
      `payment-confirmation:${payment.id}`,
    ]);
  });

  it("a currency-only mismatch (same amount, another currency) does not fulfil and is recorded", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const session = sessionForPayment(payment, {
      currency: "eur",
      amount_total: payment.amount,
    });

    const event = await deliver("checkout.session.completed", session);
    expect(event.note).toMatch(/mismatch: Stripe reported 30000 eur, expected 30000 mad/i);
    const row = await paymentRow(payment.id);
    expect(row.status).toBe("pending");
    expect(row.failure_message).toMatch(/Amount mismatch/);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    expect(await emailsOf(user.email)).toHaveLength(0);
  });
});
