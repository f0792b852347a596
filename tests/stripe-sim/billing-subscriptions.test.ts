import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  rejection,
  startHarness,
  advanceTo,
  clockCustomer,
  DAY,
  eventsFor,
  monthlyPrice,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

const START = Date.UTC(2026, 0, 15, 12) / 1000;

describe("subscriptions", () => {
  it("creates an active subscription whose first invoice is paid, with Stripe's events in order", async () => {
    const { customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe);
    expect(price).toMatchObject({
      type: "recurring",
      recurring: { interval: "month", interval_count: 1 },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      metadata: { talent: "7" },
    });
    expect(subscription).toMatchObject({
      object: "subscription",
      status: "active",
      customer: customer.id,
      metadata: { talent: "7" },
      start_date: START,
    });
    const item = subscription.items.data[0];
    expect(item?.current_period_start).toBe(START);
    expect(item?.current_period_end).toBe(Date.UTC(2026, 1, 15, 12) / 1000);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 3000,
      billing_reason: "subscription_create",
      currency: "mad",
    });
    expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);
    expect(invoice.lines.data[0]).toMatchObject({
      amount: 3000,
      description: "1 \u00d7 Monthly membership (at MAD 30.00 / month)",
    });
    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types.slice(types.indexOf("customer.subscription.created"))).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "payment_intent.created",
      "invoice.finalized",
      "charge.succeeded",
      "payment_intent.succeeded",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
  });

  it("rejects a subscription without a payment method and writes nothing", async () => {
    const { customer } = await clockCustomer(stripe, START, null);
    const price = await monthlyPrice(stripe);
    const error = await rejection(
      stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] }),
    );
    expect(error.statusCode).toBe(400);
    const list = await stripe.subscriptions.list({ customer: customer.id, status: "all" });
    expect(list.data).toHaveLength(0);
  });

  it("runs a trial through a test clock: trial_will_end, trial end invoice paid, then a renewal", async () => {
    const { clock, customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 30,
    });
    expect(subscription).toMatchObject({
      status: "trialing",
      trial_start: START,
      trial_end: START + 30 * DAY,
    });
    const first = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(first).toMatchObject({ status: "paid", amount_due: 0, total: 0 });

    await advanceTo(stripe, clock.id, START + 28 * DAY);
    let types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types).toContain("customer.subscription.trial_will_end");
    // Seven days before the trial ends comes the preview of the first real invoice.
    expect(types.indexOf("invoice.upcoming")).toBeLessThan(
      types.indexOf("customer.subscription.trial_will_end"),
    );
    const upcoming = (await eventsFor(stripe, customer.id)).find(
      (e) => e.type === "invoice.upcoming",
    )?.data.object as Stripe.Invoice;
    expect(upcoming).toMatchObject({ amount_due: 3000, billing_reason: "upcoming" });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("trialing");

    await advanceTo(stripe, clock.id, START + 30 * DAY + 2 * 3600);
    const active = await stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    expect(active.items.data[0]?.current_period_start).toBe(START + 30 * DAY);
    const trialInvoice = await stripe.invoices.retrieve(active.latest_invoice as string, {
      expand: ["payments.data.payment.payment_intent"],
    });
    expect(trialInvoice).toMatchObject({
      status: "paid",
      amount_paid: 3000,
      billing_reason: "subscription_cycle",
      created: START + 30 * DAY,
    });
    // Finalized and charged an hour after the draft, on the clock's time.
    const intent = trialInvoice.payments?.data[0]?.payment.payment_intent as Stripe.PaymentIntent;
    expect(intent.created).toBe(START + 30 * DAY + 3600);
    expect((await stripe.charges.retrieve(intent.latest_charge as string)).created).toBe(
      START + 30 * DAY + 3600,
    );

    const periodEnd = active.items.data[0]?.current_period_end ?? 0;
    await advanceTo(stripe, clock.id, periodEnd + 2 * 3600);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.items.data[0]?.current_period_start).toBe(periodEnd);
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ["subscription_cycle", "paid", 3000],
      ["subscription_cycle", "paid", 3000],
      ["subscription_create", "paid", 0],
    ]);
    types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types.filter((t) => t === "invoice.upcoming").length).toBeGreaterThanOrEqual(1);
  });

  it("takes a failing card through the retry schedule to canceled, events in order", async () => {
    const { clock, customer } = await clockCustomer(stripe, START, "pm_card_chargeCustomerFail");
    const price = await monthlyPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
    });
    const trialEnd = START + 7 * DAY;
    await advanceTo(stripe, clock.id, trialEnd + 2 * 3600);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "open",
      attempt_count: 1,
      next_payment_attempt: trialEnd + 3600 + 3 * DAY,
    });

    await advanceTo(stripe, clock.id, trialEnd + 20 * DAY);
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe("canceled");
    expect(canceled.cancellation_details?.reason).toBe("payment_failed");
    const last = await stripe.invoices.retrieve(invoice.id);
    expect(last).toMatchObject({ status: "open", attempt_count: 4, next_payment_attempt: null });
    const types = (await eventsFor(stripe, customer.id))
      .map((e) => e.type)
      .filter((t) => t.startsWith("invoice.payment") || t.startsWith("customer.subscription"));
    expect(types).toEqual([
      "customer.subscription.created",
      "invoice.payment_succeeded",
      "customer.subscription.trial_will_end",
      "customer.subscription.updated",
      "invoice.payment_failed",
      "customer.subscription.updated",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "invoice.payment_failed",
      "customer.subscription.deleted",
    ]);
  });

  it("cancels at period end: cancel_at set now, deleted when the period ends", async () => {
    const { clock, customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const scheduled = await stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(scheduled).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      cancel_at: periodEnd,
      canceled_at: START,
    });
    const updated = (await eventsFor(stripe, customer.id))
      .filter((e) => e.type === "customer.subscription.updated")
      .at(-1);
    expect(updated?.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    await advanceTo(stripe, clock.id, periodEnd + 60);
    const ended = await stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: periodEnd });
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
  });

  it("switches monthly to annual with a proration credit and an immediate invoice", async () => {
    const { clock, customer } = await clockCustomer(stripe, START);
    const monthly = await monthlyPrice(stripe, 3000, "month");
    const annual = await monthlyPrice(stripe, 30000, "year");
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
    });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    const half = START + Math.floor((periodEnd - START) / 2);
    await advanceTo(stripe, clock.id, half);
    const switched = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: subscription.items.data[0]?.id ?? "", price: annual.id }],
      proration_behavior: "create_prorations",
    });
    expect(switched.items.data[0]?.price.id).toBe(annual.id);
    expect(switched.items.data[0]?.current_period_start).toBe(half);
    expect(switched.billing_cycle_anchor).toBe(half);
    const invoice = await stripe.invoices.retrieve(switched.latest_invoice as string);
    expect(invoice.billing_reason).toBe("subscription_update");
    expect(invoice.status).toBe("paid");
    const credit = invoice.lines.data.find((line) => line.amount < 0);
    expect(credit?.amount).toBe(-1500);
    expect(credit?.parent?.invoice_item_details?.proration).toBe(true);
    expect(invoice.amount_paid).toBe(30000 - 1500);
  });

  it("lists by customer, status and price, and cancels now with DELETE", async () => {
    const { customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect((await stripe.subscriptions.list({ price: price.id })).data.map((s) => s.id)).toEqual([
      subscription.id,
    ]);
    const items = await stripe.subscriptionItems.list({ subscription: subscription.id });
    expect(items.data.map((i) => i.id)).toEqual(subscription.items.data.map((i) => i.id));
    expect((await stripe.subscriptionItems.retrieve(items.data[0]?.id ?? "")).price.id).toBe(
      price.id,
    );
    expect((await rejection(stripe.subscriptionItems.retrieve("si_missing"))).statusCode).toBe(404);
    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled).toMatchObject({
      status: "canceled",
      ended_at: START,
      cancellation_details: { reason: "cancellation_requested" },
    });
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data,
    ).toHaveLength(1);
    expect(
      (await stripe.subscriptions.list({ customer: customer.id, status: "canceled" })).data,
    ).toHaveLength(1);
    const again = await rejection(stripe.subscriptions.cancel(subscription.id));
    expect(again.statusCode).toBe(400);
  });

  it("default_incomplete waits for the client to confirm the invoice's PaymentIntent; unconfirmed, it expires after 23 hours", async () => {
    const { clock, customer } = await clockCustomer(stripe, START, null);
    const price = await monthlyPrice(stripe);
    const waiting = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
      expand: ["latest_invoice.confirmation_secret", "latest_invoice.payments"],
    });
    expect(waiting.status).toBe("incomplete");
    const invoice = waiting.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe("open");
    expect(invoice.confirmation_secret?.client_secret).toMatch(/^pi_.+_secret_/);
    const intentId = invoice.payments?.data[0]?.payment.payment_intent as string;
    await stripe.paymentIntents.confirm(intentId, { payment_method: "pm_card_visa" });
    expect((await stripe.invoices.retrieve(invoice.id)).status).toBe("paid");
    expect((await stripe.subscriptions.retrieve(waiting.id)).status).toBe("active");

    const abandoned = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      payment_behavior: "default_incomplete",
    });
    await advanceTo(stripe, clock.id, START + 24 * 3600);
    expect((await stripe.subscriptions.retrieve(abandoned.id)).status).toBe("incomplete_expired");
    expect((await stripe.invoices.retrieve(abandoned.latest_invoice as string)).status).toBe(
      "void",
    );
  });

  it("cancels with prorate (a pending credit), and deleting a customer cancels its subscriptions", async () => {
    const { clock, customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe, 3000);
    const first = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const second = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const periodEnd = first.items.data[0]?.current_period_end ?? 0;
    await advanceTo(stripe, clock.id, START + Math.floor((periodEnd - START) / 2));
    await stripe.subscriptions.cancel(first.id, { prorate: true });
    const credits = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(credits.data.map((i) => [i.amount, i.proration])).toEqual([[-1500, true]]);
    await stripe.customers.del(customer.id);
    expect((await stripe.subscriptions.retrieve(second.id)).status).toBe("canceled");
  });

  it("canceled during its trial, a subscription ends when the trial does and is never charged", async () => {
    const { clock, customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    const scheduled = await stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(scheduled.cancel_at).toBe(START + 14 * DAY);
    await advanceTo(stripe, clock.id, START + 20 * DAY);
    expect(await stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      status: "canceled",
      ended_at: START + 14 * DAY,
    });
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((i) => i.amount_paid)).toEqual([0]);
  });
});
