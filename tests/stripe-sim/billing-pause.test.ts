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
afterAll(() => h.cleanup());

const START = Date.UTC(2026, 5, 1, 8) / 1000;

async function trialWithoutCard(behaviour: "pause" | "cancel" | "create_invoice") {
  const { clock, customer } = await clockCustomer(stripe, START, null);
  const price = await monthlyPrice(stripe, 3000);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    trial_period_days: 7,
    trial_settings: { end_behavior: { missing_payment_method: behaviour } },
  });
  await advanceTo(stripe, clock.id, START + 7 * DAY + 3600);
  return { clock, customer, subscription };
}

describe("a trial that ends without a payment method", () => {
  it("pause: paused, no invoice; resume restarts the cycle and bills it", async () => {
    const { clock, customer, subscription } = await trialWithoutCard("pause");
    const paused = await stripe.subscriptions.retrieve(subscription.id);
    expect(paused.status).toBe("paused");
    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types).toContain("customer.subscription.paused");
    expect(types).not.toContain("invoice.payment_failed");
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);

    await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id }).then((pm) =>
      stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: pm.id },
      }),
    );
    const resumed = await stripe.subscriptions.resume(subscription.id, {
      billing_cycle_anchor: { type: "now" },
    });
    expect(resumed.status).toBe("active");
    expect(resumed.items.data[0]?.current_period_start).toBe(START + 7 * DAY + 3600);
    await advanceTo(stripe, clock.id, START + 7 * DAY + 3 * 3600);
    const invoice = await stripe.invoices.retrieve(
      (await stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string,
    );
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 3000 });
    const after = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(after).toContain("customer.subscription.resumed");
    const again = await rejection(stripe.subscriptions.resume(subscription.id));
    expect(again.statusCode).toBe(400);
  });

  it("cancel: canceled at the trial's end", async () => {
    const { subscription } = await trialWithoutCard("cancel");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
  });

  it("create_invoice: billed, the payment fails, past_due", async () => {
    const { subscription } = await trialWithoutCard("create_invoice");
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("past_due");
  });
});
