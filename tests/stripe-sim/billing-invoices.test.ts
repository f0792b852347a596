import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  rejection,
  startHarness,
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

const START = Date.UTC(2026, 3, 1, 9) / 1000;

describe("invoice items and invoices", () => {
  it("invoices pending items, finalizes with a number and hosted URLs, and pays", async () => {
    const { customer } = await clockCustomer(stripe, START, null);
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 2000,
      currency: "mad",
      description: "Casting workshop",
    });
    expect(item).toMatchObject({
      object: "invoiceitem",
      invoice: null,
      amount: 2000,
      proration: false,
      date: START,
    });
    expect(
      (await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map(
        (i) => i.id,
      ),
    ).toEqual([item.id]);

    const draft = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
      description: "April",
    });
    expect(draft).toMatchObject({
      status: "draft",
      amount_due: 2000,
      billing_reason: "manual",
      number: null,
      hosted_invoice_url: null,
    });
    expect(draft.lines.data.map((l) => [l.description, l.amount])).toEqual([
      ["Casting workshop", 2000],
    ]);
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBe(draft.id);

    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open.status).toBe("open");
    expect(open.number).toMatch(/-0001$/);
    expect(open.hosted_invoice_url).toBe(`${h.sim.url}/i/${open.id}`);
    expect(open.invoice_pdf).toBe(`${h.sim.url}/i/${open.id}/pdf`);

    const paid = await stripe.invoices.pay(open.id, {
      payment_method: "pm_card_visa",
      expand: ["payments"],
    });
    expect(paid).toMatchObject({
      status: "paid",
      amount_paid: 2000,
      amount_remaining: 0,
      attempt_count: 1,
    });
    const intentId = paid.payments?.data[0]?.payment.payment_intent as string;
    const intent = await stripe.paymentIntents.retrieve(intentId);
    expect(intent).toMatchObject({ status: "succeeded", amount: 2000, customer: customer.id });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge.receipt_url).toBe(`${h.sim.url}/receipts/${charge.id}`);

    expect(
      (await stripe.invoices.list({ customer: customer.id, status: "paid" })).data.map((i) => i.id),
    ).toEqual([paid.id]);
    const again = await rejection(stripe.invoices.pay(paid.id));
    expect(again.statusCode).toBe(400);
  });

  it("a failing card answers 402 and records invoice.payment_failed; void ends the invoice", async () => {
    const { customer } = await clockCustomer(stripe, START, null);
    await stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: "mad" });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: "include",
    });
    const error = await rejection(
      stripe.invoices.pay(invoice.id, { payment_method: "pm_card_chargeCustomerFail" }),
    );
    expect(error.statusCode).toBe(402);
    expect(error.type).toBe("StripeCardError");
    const failed = await stripe.invoices.retrieve(invoice.id);
    expect(failed).toMatchObject({
      status: "open",
      attempt_count: 1,
      attempted: true,
      amount_paid: 0,
    });
    const voided = await stripe.invoices.voidInvoice(invoice.id);
    expect(voided.status).toBe("void");
    const types = (await eventsFor(stripe, customer.id))
      .map((e) => e.type)
      .filter((t) => t.startsWith("invoice"));
    expect(types).toEqual([
      "invoiceitem.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "invoice.voided",
    ]);
    expect((await rejection(stripe.invoices.voidInvoice(invoice.id))).statusCode).toBe(400);
  });

  it("create_preview shows the next renewal with pending prorations; bad input is a clear 400", async () => {
    const { customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const preview = await stripe.invoices.createPreview({ subscription: subscription.id });
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect(preview).toMatchObject({
      object: "invoice",
      status: "draft",
      amount_due: 3000,
      billing_reason: "upcoming",
    });
    expect(preview.lines.data[0]?.period.start).toBe(periodEnd);
    const bad = await rejection(stripe.invoices.create({ customer: "cus_missing" }));
    expect(bad.statusCode).toBe(400);
    expect(bad.code).toBe("resource_missing");
    const unknown = await rejection(
      stripe.invoiceItems.create({ customer: customer.id, currency: "mad" }),
    );
    expect(unknown.message).toContain("amount");
  });
});

describe("Idempotency-Key on every billing create", () => {
  async function post(path: string, body: Record<string, string>, key: string) {
    const response = await fetch(`${h.sim.url}${path}`, {
      method: "POST",
      headers: {
        Authorization: "Bearer sk_test_x",
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": key,
      },
      body: new URLSearchParams(body).toString(),
    });
    return {
      status: response.status,
      replayed: response.headers.get("idempotent-replayed"),
      body: (await response.json()) as { id: string },
    };
  }

  it("replays the first answer and creates nothing more", async () => {
    const { customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe);
    const creates: Array<[string, Record<string, string>]> = [
      ["/v1/test_helpers/test_clocks", { frozen_time: String(START) }],
      [
        "/v1/subscriptions",
        { customer: customer.id, "items[0][price]": price.id, trial_period_days: "10" },
      ],
      ["/v1/invoiceitems", { customer: customer.id, amount: "700", currency: "mad" }],
      ["/v1/invoices", { customer: customer.id }],
      ["/v1/billing_portal/configurations", { "features[invoice_history][enabled]": "true" }],
      ["/v1/billing_portal/sessions", { customer: customer.id }],
    ];
    for (const [path, body] of creates) {
      const key = `key-${path}-${customer.id}`;
      const first = await post(path, body, key);
      expect(first.status).toBe(200);
      const second = await post(path, body, key);
      expect(second.replayed).toBe("true");
      expect(second.body.id).toBe(first.body.id);
    }
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(1);
    expect((await stripe.invoiceItems.list({ customer: customer.id })).data).toHaveLength(1);
    const sessions = (await eventsFor(stripe, customer.id)).filter(
      (e) => e.type === "billing_portal.session.created",
    );
    expect(sessions).toHaveLength(1);
  });
});

describe("test clocks", () => {
  it("create, retrieve, list, advance with advancing/ready events, delete", async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: START, name: "demo" });
    expect(clock).toMatchObject({
      object: "test_helpers.test_clock",
      status: "ready",
      frozen_time: START,
      name: "demo",
    });
    expect((await stripe.testHelpers.testClocks.list()).data.map((c) => c.id)).toContain(clock.id);
    const back = await rejection(
      stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: START - 1 }),
    );
    expect(back.statusCode).toBe(400);
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: START + DAY,
    });
    expect(advancing.status).toBe("advancing");
    await h.sim.idle();
    let ready = await stripe.testHelpers.testClocks.retrieve(clock.id);
    for (let i = 0; ready.status !== "ready" && i < 100; i++)
      ready = await stripe.testHelpers.testClocks.retrieve(clock.id);
    expect(ready).toMatchObject({ status: "ready", frozen_time: START + DAY });
    const types = (await stripe.events.list({ type: "test_helpers.test_clock.*" })).data
      .filter((e) => (e.data.object as { id: string }).id === clock.id)
      .map((e) => e.type);
    expect(types).toEqual([
      "test_helpers.test_clock.ready",
      "test_helpers.test_clock.advancing",
      "test_helpers.test_clock.created",
    ]);
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted.deleted).toBe(true);
    expect((await rejection(stripe.testHelpers.testClocks.retrieve(clock.id))).statusCode).toBe(
      404,
    );
  });
});
