import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "../../app/observability/metrics.server";
import { startCheckout } from "../../app/payments/checkout.server";
import { requestRefund } from "../../app/payments/refunds.server";
import type { User } from "../../db/schema";
import { createUser, reloadUser } from "../support/factories";
import { payOnHostedPage } from "../support/stripe-sim";
import { setupBillingApp, subscribe, type BillingTestApp } from "../support/billing";

// The real SDK against the stand-in, which delivers its signed webhooks to the real route.
let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

async function payTheYear(user: User) {
  const started = await startCheckout(app.db, app.stripe, user, new Date());
  if (started.kind !== "redirect") throw new Error(`checkout refused: ${started.kind}`);
  expect((await payOnHostedPage(started.url)).status).toBe(303);
  await app.sim.idle();
  const payment = await paymentRow(started.paymentId);
  expect(payment.status).toBe("paid");
  return payment;
}

function paymentRow(id: number) {
  return app.db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function refundEmails(to: string) {
  const rows = await app.db
    .selectFrom("email_outbox")
    .select(["dedupe_key", "template"])
    .where("to_email", "=", to)
    .where("template", "=", "refund")
    .execute();
  return rows.map((r) => r.dedupe_key);
}

async function stripeRefunds(paymentIntent: string) {
  return (await app.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 })).data;
}

describe("refunds reach the payment, access and the member", () => {
  it("partial then full refund, delivered three times and shuffled, mixed with the staff path: counted once", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const payment = await payTheYear(user);
    const pi = payment.stripe_payment_intent_id!;
    const refundedCount = async () =>
      (await metrics.payments.get()).values.find(
        (v) => v.labels.plan === payment.plan && v.labels.outcome === "refunded",
      )?.value ?? 0;
    const countedBefore = await refundedCount();
    app.sim.setKnobs({ duplicates: 3, shuffle: true });
    try {
      const ask = {
        paymentId: payment.id,
        amount: 10000,
        reason: "requested_by_customer" as const,
        idempotencyKey: "refund-form-0001",
        actor: "staff:1",
      };
      const first = await requestRefund(app.db, app.stripe, ask);
      const again = await requestRefund(app.db, app.stripe, ask);
      expect(first).toMatchObject({ ok: true, amount: 10000, currency: "mad" });
      expect(again).toMatchObject({ ok: true });
      if (!first.ok || !again.ok) throw new Error("refund refused");
      expect(again.refundId).toBe(first.refundId);
      await app.sim.idle();

      expect(await paymentRow(payment.id)).toMatchObject({
        status: "paid",
        refunded_amount: 10000,
      });
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
      expect(await refundEmails(user.email)).toEqual([`refund:${first.refundId}`]);

      // The rest from Stripe's dashboard (the stand-in's Refund button).
      const charge = (await app.stripe.charges.list({ payment_intent: pi })).data[0]!;
      const button = await fetch(`${app.sim.url}/_sim/charges/${charge.id}/refund`, {
        method: "POST",
      });
      expect(button.status).toBeLessThan(400);
      await app.sim.idle();
    } finally {
      app.sim.setKnobs({ duplicates: 1, shuffle: false });
    }

    const refunds = await stripeRefunds(pi);
    expect(refunds.map((r) => r.amount).sort()).toEqual([10000, 20000]);
    expect(await paymentRow(payment.id)).toMatchObject({
      status: "refunded",
      refunded_amount: 30000,
    });
    // payments_total{outcome="refunded"} moves once for the payment, whatever the deliveries.
    expect((await refundedCount()) - countedBefore).toBe(1);
    const after = await reloadUser(app.db, user.id);
    expect(after.subscription_status).toBe("CANCELLED");
    expect(Date.parse(after.access_expires_at!)).toBeLessThanOrEqual(Date.now());
    expect((await refundEmails(user.email)).sort()).toEqual(
      refunds.map((r) => `refund:${r.id}`).sort(),
    );
    const stored = await app.db
      .selectFrom("refunds")
      .select(["amount", "status", "payment_id", "user_id"])
      .where("stripe_payment_intent_id", "=", pi)
      .orderBy("amount")
      .execute();
    expect(stored).toEqual([
      { amount: 10000, status: "succeeded", payment_id: payment.id, user_id: user.id },
      { amount: 20000, status: "succeeded", payment_id: payment.id, user_id: user.id },
    ]);
  });

  it("refuses an amount above what is left, or not whole, with a 400 and sends nothing to Stripe", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const payment = await payTheYear(user);
    const base = {
      paymentId: payment.id,
      reason: "requested_by_customer" as const,
      idempotencyKey: "refund-form-too-much",
      actor: "staff:1",
    };
    for (const amount of [30001, 0, -5, 12.5, Number.NaN])
      expect(await requestRefund(app.db, app.stripe, { ...base, amount })).toMatchObject({
        ok: false,
        status: 400,
      });
    expect(
      await requestRefund(app.db, app.stripe, { ...base, amount: 100, paymentId: 999999 }),
    ).toMatchObject({ ok: false, status: 404 });
    expect(await stripeRefunds(payment.stripe_payment_intent_id!)).toEqual([]);
    expect((await paymentRow(payment.id)).refunded_amount).toBe(0);
  });

  it("a refund of a subscription invoice is recorded on the invoice and keeps access", async () => {
    const user = await createUser(app.db, { role: "professional" });
    await subscribe(app.db, app.stripe, user, { choice: "yearly" });
    await app.sim.idle();
    const invoice = await app.db
      .selectFrom("invoices")
      .selectAll()
      .where("user_id", "=", user.id)
      .where("status", "=", "paid")
      .executeTakeFirstOrThrow();
    expect(invoice.stripe_payment_intent_id).toMatch(/^pi_/);
    const result = await requestRefund(app.db, app.stripe, {
      invoiceId: invoice.stripe_invoice_id,
      amount: 50000,
      reason: "requested_by_customer",
      idempotencyKey: "refund-invoice-0001",
      actor: "staff:1",
    });
    expect(result).toMatchObject({ ok: true });
    await app.sim.idle();
    expect(
      await app.db
        .selectFrom("invoices")
        .select("refunded_amount")
        .where("stripe_invoice_id", "=", invoice.stripe_invoice_id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ refunded_amount: 50000 });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(await refundEmails(user.email)).toHaveLength(1);
  });

  it("a refund of a charge this app never made is recorded and answered 2xx", async () => {
    const customer = await app.stripe.customers.create({ email: "stranger@example.test" });
    const intent = await app.stripe.paymentIntents.create({
      amount: 4200,
      currency: "mad",
      customer: customer.id,
      payment_method: "pm_card_visa",
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    });
    await app.stripe.refunds.create({ payment_intent: intent.id });
    await app.sim.idle();
    const events = await app.db
      .selectFrom("stripe_webhook_events")
      .select(["event_type", "processed", "note"])
      .where("event_type", "in", ["charge.refunded", "refund.created"])
      .where("note", "like", "%not paid through this app%")
      .execute();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.processed === 1)).toBe(true);
    const stored = await app.db
      .selectFrom("refunds")
      .select(["user_id", "amount"])
      .where("stripe_payment_intent_id", "=", intent.id)
      .execute();
    expect(stored).toEqual([{ user_id: null, amount: 4200 }]);
  });
});
