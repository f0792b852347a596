import type Stripe from "stripe";

export const DAY = 24 * 60 * 60;

/** Advances a test clock and waits until Stripe (or the stand-in) reports it ready again. */
export async function advanceTo(
  stripe: Stripe,
  clockId: string,
  frozenTime: number,
): Promise<Stripe.TestHelpers.TestClock> {
  const advancing = await stripe.testHelpers.testClocks.advance(clockId, {
    frozen_time: frozenTime,
  });
  if (advancing.status !== "advancing")
    throw new Error(`expected advancing, got ${advancing.status}`);
  for (let i = 0; i < 500; i++) {
    const clock = await stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === "ready") return clock;
    if (clock.status === "internal_failure") throw new Error("test clock advance failed");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("test clock did not become ready");
}

/** A customer living on a new test clock, with a card as its default payment method. */
export async function clockCustomer(
  stripe: Stripe,
  start: number,
  paymentMethod: string | null = "pm_card_visa",
): Promise<{ clock: Stripe.TestHelpers.TestClock; customer: Stripe.Customer }> {
  const clock = await stripe.testHelpers.testClocks.create({
    frozen_time: start,
    name: "billing test",
  });
  const customer = await stripe.customers.create({
    email: "talent@example.com",
    test_clock: clock.id,
    ...(paymentMethod
      ? {
          payment_method: paymentMethod,
          invoice_settings: { default_payment_method: paymentMethod },
        }
      : {}),
  });
  return { clock, customer };
}

export async function monthlyPrice(
  stripe: Stripe,
  amount = 3000,
  interval: "month" | "year" = "month",
): Promise<Stripe.Price> {
  return stripe.prices.create({
    currency: "mad",
    unit_amount: amount,
    recurring: { interval },
    product_data: { name: interval === "month" ? "Monthly membership" : "Annual membership" },
  });
}

/** Event types since `sinceId` (exclusive), oldest first, for the objects that concern `customerId`. */
export async function eventsFor(stripe: Stripe, customerId: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) all.push(event);
  return all.reverse().filter((event) => {
    const object = event.data.object as { customer?: unknown; id?: string };
    return object.customer === customerId || object.id === customerId;
  });
}
