import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentSession, eventTypes, rejection, startHarness } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

/**
 * SEPA Direct Debit in Checkout, as Stripe's test mode runs it: the session completes `unpaid`
 * with the PaymentIntent `processing`, then checkout.session.async_payment_succeeded or
 * async_payment_failed follows, by test IBAN.
 */
let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

/** The CLI's fixtures send payment_method_types, which the pinned SDK's param types no longer list. */
const SEPA_ONLY = {
  payment_method_types: ["sepa_debit"],
} as unknown as Partial<Stripe.Checkout.SessionCreateParams>;

const EUR_ITEMS = [
  {
    price_data: { currency: "eur", unit_amount: 1500, product_data: { name: "Membership" } },
    quantity: 2,
  },
];

async function sepaSession(): Promise<Stripe.Checkout.Session> {
  return createPaymentSession(stripe, { ...SEPA_ONLY, line_items: EUR_ITEMS });
}

async function sepaMethod(iban: string): Promise<Stripe.PaymentMethod> {
  return stripe.paymentMethods.create({
    type: "sepa_debit",
    sepa_debit: { iban },
    billing_details: { name: "Jenny Rosen", email: "jenny@example.com" },
  });
}

async function confirmPaymentPage(sessionId: string, paymentMethod: string) {
  const response = await fetch(`${h.sim.url}/v1/payment_pages/${sessionId}/confirm`, {
    method: "POST",
    headers: {
      Authorization: "Bearer sk_test_x",
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ payment_method: paymentMethod, expected_amount: "3000" }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { status?: string; payment_status?: string; error?: unknown },
  };
}

async function advanceClock(seconds: number): Promise<void> {
  const response = await fetch(`${h.sim.url}/_sim/clock`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advance_seconds: seconds }),
  });
  expect(response.status).toBe(200);
}

/** The types of the events about one PaymentIntent and its session, oldest first. */
async function eventsOf(session: string, paymentIntent: string): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100 });
  return events.data
    .filter((event) => {
      const object = event.data.object as { id: string; payment_intent?: string | null };
      return (
        object.id === session ||
        object.id === paymentIntent ||
        object.payment_intent === paymentIntent
      );
    })
    .map((event) => event.type)
    .reverse();
}

describe("SEPA Direct Debit through Checkout", () => {
  it("completes the session unpaid, then the debit succeeds: async_payment_succeeded, paid, net of the fee", async () => {
    const session = await sepaSession();
    expect(session.payment_method_types).toEqual(["sepa_debit"]);
    const method = await sepaMethod("AT61 1904 3002 3457 3201");
    expect(method.sepa_debit).toMatchObject({ country: "AT", last4: "3201" });

    const confirmed = await confirmPaymentPage(session.id, method.id);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: "complete", payment_status: "unpaid" });

    const after = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent.latest_charge.balance_transaction"],
    });
    expect(after.payment_status).toBe("paid");
    const paymentIntent = after.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent.status).toBe("succeeded");
    expect(paymentIntent.amount_received).toBe(3000);
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: "succeeded", paid: true, amount: 3000 });
    expect(charge.payment_method_details?.type).toBe("sepa_debit");
    expect(charge.balance_transaction).toMatchObject({ amount: 3000, fee: 35, net: 2965 });

    expect(await eventsOf(session.id, paymentIntent.id)).toEqual([
      "payment_intent.created",
      "charge.pending",
      "payment_intent.processing",
      "checkout.session.completed",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.async_payment_succeeded",
    ]);
    const completed = await stripe.events.list({ type: "checkout.session.completed", limit: 1 });
    expect(completed.data[0]?.data.object).toMatchObject({
      id: session.id,
      payment_status: "unpaid",
    });
  });

  it("a failing IBAN: async_payment_failed, the charge failed, the PaymentIntent asks for another method", async () => {
    const session = await sepaSession();
    const method = await sepaMethod("DE62370400440532013001");
    const confirmed = await confirmPaymentPage(session.id, method.id);
    expect(confirmed.body).toMatchObject({ status: "complete", payment_status: "unpaid" });

    const after = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent.latest_charge"],
    });
    expect(after.payment_status).toBe("unpaid");
    const paymentIntent = after.payment_intent as Stripe.PaymentIntent;
    expect(paymentIntent.status).toBe("requires_payment_method");
    expect(paymentIntent.last_payment_error?.payment_method_type).toBe("sepa_debit");
    const charge = paymentIntent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ status: "failed", paid: false, balance_transaction: null });
    expect((await eventsOf(session.id, paymentIntent.id)).slice(-3)).toEqual([
      "charge.failed",
      "payment_intent.payment_failed",
      "checkout.session.async_payment_failed",
    ]);
  });

  it("a delayed IBAN stays processing until three minutes pass on the stand-in's clock", async () => {
    const session = await sepaSession();
    const method = await sepaMethod("DE08370400440532013003");
    await confirmPaymentPage(session.id, method.id);
    const waiting = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(waiting.payment_status).toBe("unpaid");
    const paymentIntentId = (waiting.payment_intent as Stripe.PaymentIntent).id;
    expect((waiting.payment_intent as Stripe.PaymentIntent).status).toBe("processing");
    expect(await eventsOf(session.id, paymentIntentId)).not.toContain(
      "checkout.session.async_payment_succeeded",
    );

    await advanceClock(180);
    const settled = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(settled.payment_status).toBe("paid");
    expect((settled.payment_intent as Stripe.PaymentIntent).status).toBe("succeeded");
    expect(await eventsOf(session.id, paymentIntentId)).toContain(
      "checkout.session.async_payment_succeeded",
    );
  });

  it("refuses a malformed IBAN, a non-euro session, other modes and a SEPA method on a card session, creating nothing", async () => {
    const methodsBefore = (await stripe.paymentMethods.list({ type: "sepa_debit" })).data.length;
    const badIban = await rejection(sepaMethod("DE89370400440532013099"));
    expect(badIban).toMatchObject({ statusCode: 400, code: "invalid_bank_account_iban" });

    const sessionsBefore = (await stripe.checkout.sessions.list({ limit: 100 })).data.length;
    const usd = await rejection(createPaymentSession(stripe, SEPA_ONLY));
    expect(usd).toMatchObject({ statusCode: 400, param: "payment_method_types" });
    const setup = await rejection(
      stripe.checkout.sessions.create({
        mode: "setup",
        currency: "eur",
        ...SEPA_ONLY,
        success_url: "http://app.test/ok",
      }),
    );
    expect(setup).toMatchObject({ statusCode: 400, param: "payment_method_types" });
    expect((await stripe.checkout.sessions.list({ limit: 100 })).data).toHaveLength(sessionsBefore);

    // Saved methods pay renewals, which take cards only: a SEPA method is not attached.
    const customer = await stripe.customers.create({ email: "jenny@example.com" });
    const unattached = await sepaMethod("DE89370400440532013000");
    const attach = await rejection(
      stripe.paymentMethods.attach(unattached.id, { customer: customer.id }),
    );
    expect(attach).toMatchObject({ statusCode: 400, param: "payment_method" });
    expect((await stripe.paymentMethods.retrieve(unattached.id)).customer).toBeNull();

    const cardSession = await createPaymentSession(stripe, { line_items: EUR_ITEMS });
    const method = await sepaMethod("AT611904300234573201");
    const refused = await confirmPaymentPage(cardSession.id, method.id);
    expect(refused.status).toBe(400);
    const still = await stripe.checkout.sessions.retrieve(cardSession.id);
    expect(still).toMatchObject({ status: "open", payment_intent: null });
    expect((await stripe.paymentMethods.list({ type: "sepa_debit" })).data).toHaveLength(
      methodsBefore + 2,
    );
    expect(await eventTypes(stripe, { type: "charge.pending" })).toHaveLength(3);
  });
});
