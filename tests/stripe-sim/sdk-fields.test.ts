import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdkFieldsByObject, undeclaredFields } from "../tools/sdk-fields.js";
import {
  advanceTo,
  clockCustomer,
  DAY,
  monthlyPrice,
  cardFields,
  postForm,
  startHarness,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.cleanup());

const START = Date.UTC(2026, 3, 1, 9) / 1000;

describe("objects carry only fields the pinned API version declares", () => {
  it("knows the SDK's fields (and that the pinned version dropped invoice.subscription)", () => {
    const fields = sdkFieldsByObject();
    expect(fields.get("invoice")?.has("parent")).toBe(true);
    expect(fields.get("invoice")?.has("subscription")).toBe(false);
    expect(undeclaredFields({ object: "invoice", id: "in_1", subscription: "sub_1" })).toEqual([
      "invoice.subscription (invoice)",
    ]);
  });

  it("every object in every event and in the answers of a full run", async () => {
    const seen: unknown[] = [];
    const keep = <T>(value: T): T => {
      seen.push(value);
      return value;
    };

    // Billing on a test clock: trial, renewal, an invoice item, a plan and a portal session.
    const { clock, customer } = await clockCustomer(stripe, START);
    const price = keep(await monthlyPrice(stripe));
    const subscription = keep(
      await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
        trial_period_days: 3,
      }),
    );
    keep(
      await stripe.invoiceItems.create({
        customer: customer.id,
        amount: 500,
        currency: "mad",
        description: "Review",
      }),
    );
    await advanceTo(stripe, clock.id, START + 40 * DAY);
    keep(await stripe.testHelpers.testClocks.retrieve(clock.id));
    const invoices = keep(
      await stripe.invoices.list({ subscription: subscription.id, expand: ["data.payments"] }),
    );
    expect(invoices.data.length).toBeGreaterThan(1);
    keep(await stripe.subscriptionItems.list({ subscription: subscription.id }));
    keep(await stripe.billingPortal.sessions.create({ customer: customer.id }));
    keep(await stripe.billingPortal.configurations.list());

    // A one-time payment with an invoice and a tax id, then refunded; a disputed payment.
    const company = await stripe.customers.create({ email: "co@example.com" });
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer: company.id,
      customer_update: { name: "auto", address: "auto" },
      invoice_creation: { enabled: true, invoice_data: { footer: "Talents Acting" } },
      tax_id_collection: { enabled: true },
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "mad", unit_amount: 350000, product_data: { name: "Year" } },
        },
      ],
      success_url: "http://app.test/ok",
    });
    const paid = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { businessName: "Atlas SARL", taxId: "12345678" }),
    );
    expect(paid.status).toBe(303);
    const done = keep(
      await stripe.checkout.sessions.retrieve(session.id, {
        expand: ["line_items", "payment_intent.latest_charge", "invoice"],
      }),
    );
    const intent = done.payment_intent as Stripe.PaymentIntent;
    keep(await stripe.refunds.create({ payment_intent: intent.id, amount: 1000 }));
    keep(
      await stripe.charges.retrieve((intent.latest_charge as Stripe.Charge).id, {
        expand: ["refunds", "balance_transaction"],
      }),
    );
    keep(await stripe.customers.retrieve(company.id, { expand: ["tax_ids"] }));
    const disputed = await stripe.paymentIntents.create({
      amount: 2000,
      currency: "mad",
      payment_method: "pm_card_createDispute",
      confirm: true,
    });
    keep(await stripe.disputes.list({ payment_intent: disputed.id }));
    keep(await stripe.balanceTransactions.list({ limit: 100 }));

    for await (const event of stripe.events.list({ limit: 100 })) keep(event);
    expect(seen.length).toBeGreaterThan(50);
    expect(undeclaredFields(seen)).toEqual([]);
  });
});
