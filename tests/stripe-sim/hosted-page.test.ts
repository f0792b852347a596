import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cardFields,
  createPaymentSession,
  getPage,
  postForm,
  startHarness,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness({ merchantName: "Talents Acting" });
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

async function eventsFor(type: string, objectId: string): Promise<Stripe.Event[]> {
  return (await stripe.events.list({ type, limit: 100 })).data.filter(
    (e) => (e.data.object as { id: string }).id === objectId,
  );
}

async function latestEventId(): Promise<string | undefined> {
  return (await stripe.events.list({ limit: 1 })).data[0]?.id;
}

async function typesSince(eventId: string | undefined): Promise<string[]> {
  const page = await stripe.events.list({
    limit: 100,
    ...(eventId ? { ending_before: eventId } : {}),
  });
  return page.data.map((e) => e.type).reverse();
}

function successUrl(session: Stripe.Checkout.Session): string {
  return `http://app.test/payment/success?session_id=${session.id}`;
}

describe("the hosted checkout page", () => {
  it("shows the merchant, line items, MAD total and Stripe's field ids, labels and test ids", async () => {
    const session = await createPaymentSession(stripe);
    const page = await getPage(session.url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Talents Acting");
    expect(page.html).toContain("Annual talent membership");
    expect(page.html).toContain("MAD 300.00");
    expect(page.html).toContain("Qty 1");
    for (const [id, label] of [
      ["email", "Email"],
      ["cardNumber", "Card number"],
      ["cardExpiry", "Expiration"],
      ["cardCvc", "CVC"],
      ["billingName", "Cardholder name"],
    ]) {
      expect(page.html).toContain(`<label for="${id}">${label}</label>`);
      expect(page.html).toMatch(new RegExp(`id="${id}"\\s+name="${id}"`));
    }
    expect(page.html).toMatch(/id="email"\s+name="email"\s+value="talent@example.com"/);
    expect(page.html).toMatch(
      /data-testid="hosted-payment-submit-button">\s*<span class="label">Pay<\/span>/,
    );
    expect(page.html).toMatch(
      /<a\s+class="back"\s+href="http:\/\/app.test\/payment\/cancel"\s+data-testid="business-link"\s+aria-label="Back to Talents Acting"\s*>/,
    );
    expect(page.html).toContain(`<form method="post" action="/c/pay/${session.id}"`);
  });

  it("prefills the email from the session's customer", async () => {
    const customer = await stripe.customers.create({ email: "customer@example.com" });
    const session = await createPaymentSession(stripe, {
      customer: customer.id,
      customer_email: undefined,
    });
    expect((await getPage(session.url ?? "")).html).toContain('value="customer@example.com"');
  });

  it("pays with 4242 4242 4242 4242: 303 to success_url with the id, Stripe's event order, then 'already paid'", async () => {
    const session = await createPaymentSession(stripe, { customer_creation: "always" });
    const before = await latestEventId();
    const response = await postForm(session.url ?? "", cardFields("4242 4242 4242 4242"));
    expect(response.status).toBe(303);
    expect(response.location).toBe(successUrl(session));

    const done = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent"],
    });
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(done.customer_details).toMatchObject({
      email: "talent@example.com",
      name: "Amina Talent",
    });
    const intent = done.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      status: "succeeded",
      amount: 30000,
      currency: "mad",
      customer: done.customer,
    });
    expect(await typesSince(before)).toEqual([
      "customer.created",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const completed = await eventsFor("checkout.session.completed", session.id);
    expect(completed[0]?.request).toEqual({ id: null, idempotency_key: null });

    const again = await getPage(session.url ?? "");
    expect(again.status).toBe(200);
    expect(again.html).toContain("Already paid");
    expect(again.html).toContain(successUrl(session).replace(/&/g, "&amp;"));
    const repost = await postForm(session.url ?? "", cardFields("4242424242424242"));
    expect(repost.html).toContain("Already paid");
    expect((await stripe.charges.list({ payment_intent: intent.id })).data).toHaveLength(1);
  });

  it.each([
    ["4000 0000 0000 0002", "Your card was declined.", "generic_decline"],
    ["4000 0000 0000 9995", "Your card has insufficient funds.", "insufficient_funds"],
    ["4000 0000 0000 0069", "Your card has expired.", "expired_card"],
    ["4000 0000 0000 0127", "Your card&#39;s security code is incorrect.", "incorrect_cvc"],
  ])(
    "declines %s with its message, keeps the session open and records the failure",
    async (card, message, declineCode) => {
      const session = await createPaymentSession(stripe);
      const response = await postForm(session.url ?? "", cardFields(card));
      expect(response.status).toBe(402);
      expect(response.html).toContain(message);
      expect(response.html).toContain('value="talent@example.com"');
      expect(response.html).not.toContain('value="123"');

      const after = await stripe.checkout.sessions.retrieve(session.id);
      expect(after.status).toBe("open");
      const intent = await stripe.paymentIntents.retrieve(after.payment_intent as string);
      expect(intent.status).toBe("requires_payment_method");
      expect(intent.last_payment_error?.decline_code).toBe(declineCode);
      expect(await eventsFor("payment_intent.payment_failed", intent.id)).toHaveLength(1);
      const charges = await stripe.charges.list({ payment_intent: intent.id });
      expect(charges.data.map((c) => c.status)).toEqual(["failed"]);

      // Another card on the same session reuses the same PaymentIntent, as Stripe does.
      const retry = await postForm(session.url ?? "", cardFields("4242424242424242"));
      expect(retry.status).toBe(303);
      const paid = await stripe.checkout.sessions.retrieve(session.id);
      expect(paid.status).toBe("complete");
      expect(paid.payment_intent).toBe(intent.id);
      expect(
        (await stripe.charges.list({ payment_intent: intent.id })).data.map((c) => c.status),
      ).toEqual(["succeeded", "failed"]);
    },
  );

  it("runs 3-D Secure for 4000 0025 0000 3155: challenge page, then complete -> success", async () => {
    const session = await createPaymentSession(stripe);
    const response = await postForm(session.url ?? "", cardFields("4000002500003155"));
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/c/pay/${session.id}/authenticate`);
    const challengeUrl = `${h.sim.url}${response.location}`;
    const challenge = await getPage(challengeUrl);
    expect(challenge.status).toBe(200);
    expect(challenge.html).toContain("Complete authentication");
    expect(challenge.html).toContain("Fail authentication");
    const waiting = await stripe.checkout.sessions.retrieve(session.id);
    expect((await stripe.paymentIntents.retrieve(waiting.payment_intent as string)).status).toBe(
      "requires_action",
    );

    const done = await postForm(challengeUrl, { outcome: "complete" });
    expect(done.status).toBe(303);
    expect(done.location).toBe(successUrl(session));
    const paid = await stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(paid.customer_details?.email).toBe("talent@example.com");
  });

  it("runs 3-D Secure for 4000 0000 0000 3220: fail -> back to the page with a message, then another card", async () => {
    const session = await createPaymentSession(stripe);
    const response = await postForm(session.url ?? "", cardFields("4000000000003220"));
    const challengeUrl = `${h.sim.url}${response.location ?? ""}`;
    const failed = await postForm(challengeUrl, { outcome: "fail" });
    expect(failed.status).toBe(303);
    expect(failed.location).toBe(`/c/pay/${session.id}?authentication=failed`);
    const page = await getPage(`${h.sim.url}${failed.location ?? ""}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("We are unable to authenticate your payment method.");

    const open = await stripe.checkout.sessions.retrieve(session.id);
    expect(open.status).toBe("open");
    const intent = await stripe.paymentIntents.retrieve(open.payment_intent as string);
    expect(intent.status).toBe("requires_payment_method");
    expect(intent.last_payment_error?.code).toBe("payment_intent_authentication_failure");
    expect(await eventsFor("payment_intent.payment_failed", intent.id)).toHaveLength(1);
    // The challenge page is gone once nothing waits for it.
    expect((await getPage(challengeUrl)).status).toBe(303);

    expect((await postForm(session.url ?? "", cardFields("5555 5555 5555 4444"))).status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("complete");
  });

  it("pays once when the same form is submitted twice at the same time", async () => {
    const session = await createPaymentSession(stripe);
    const [first, second] = await Promise.all([
      postForm(session.url ?? "", cardFields("4242424242424242")),
      postForm(session.url ?? "", cardFields("4242424242424242")),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 303]);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(
      (await stripe.charges.list({ payment_intent: done.payment_intent as string })).data,
    ).toHaveLength(1);
    expect(await eventsFor("checkout.session.completed", session.id)).toHaveLength(1);
  });

  it("answers a Luhn failure with a 400 field error and records nothing", async () => {
    const session = await createPaymentSession(stripe);
    const before = await latestEventId();
    const response = await postForm(session.url ?? "", cardFields("4242 4242 4242 4241"));
    expect(response.status).toBe(400);
    expect(response.html).toMatch(/id="cardNumber-error"[^>]*>Your card number is invalid\./);
    expect(response.html).toContain('value="4242 4242 4242 4241"');
    expect(response.html).toContain('value="Amina Talent"');
    expect(response.html).not.toContain('value="123"');
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBeNull();
    expect(await typesSince(before)).toEqual([]);
  });

  it("answers a past or incomplete expiry and missing fields with field errors, leaving the PaymentIntent alone", async () => {
    const session = await createPaymentSession(stripe);
    await postForm(session.url ?? "", cardFields("4000000000000002"));
    const declined = await stripe.checkout.sessions.retrieve(session.id);
    const intentBefore = await stripe.paymentIntents.retrieve(declined.payment_intent as string);
    const before = await latestEventId();

    const past = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { cardExpiry: "01/20" }),
    );
    expect(past.status).toBe(400);
    expect(past.html).toMatch(
      /id="cardExpiry-error"[^>]*>Your card&#39;s expiration date is in the past\./,
    );
    const incomplete = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { cardExpiry: "1" }),
    );
    expect(incomplete.html).toMatch(
      /id="cardExpiry-error"[^>]*>Your card&#39;s expiration date is incomplete\./,
    );
    const missing = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { email: "", cardCvc: "", billingName: "" }),
    );
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('id="email-error"');
    expect(missing.html).toContain('id="cardCvc-error"');
    expect(missing.html).toContain('id="billingName-error"');

    const intentAfter = await stripe.paymentIntents.retrieve(intentBefore.id);
    expect(intentAfter.status).toBe(intentBefore.status);
    expect(intentAfter.latest_charge).toBe(intentBefore.latest_charge);
    expect(await typesSince(before)).toEqual([]);
  });

  it("accepts MM/YY without spaces and a session without success_url", async () => {
    const session = await createPaymentSession(stripe, { success_url: undefined });
    const year = (new Date().getUTCFullYear() + 1) % 100;
    const response = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { cardExpiry: `06/${year}` }),
    );
    expect(response.status).toBe(303);
    expect(response.location).toBe(`/c/pay/${session.id}`);
  });

  it("shows an expired page for expired sessions and a 404 page for unknown ones", async () => {
    const session = await createPaymentSession(stripe);
    await stripe.checkout.sessions.expire(session.id);
    const page = await getPage(session.url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain("This checkout session has expired");
    expect(page.html).toContain('href="http://app.test/payment/cancel"');
    const post = await postForm(session.url ?? "", cardFields("4242424242424242"));
    expect(post.html).toContain("This checkout session has expired");
    expect((await getPage(`${h.sim.url}/c/pay/cs_test_unknown`)).status).toBe(404);
    expect((await getPage(`${h.sim.url}/c/pay/%E0%A4%A`)).status).toBe(404);
    expect((await getPage(`${h.sim.url}/nowhere`)).status).toBe(404);
  });

  it("formats other currencies by their minor units", async () => {
    const yen = await createPaymentSession(stripe, {
      line_items: [
        {
          price_data: { currency: "jpy", unit_amount: 1500, product_data: { name: "Ticket" } },
          quantity: 2,
        },
      ],
    });
    const page = await getPage(yen.url ?? "");
    expect(page.html).toContain("\u00a53,000");
    expect(page.html).toContain("Qty 2");
  });
});
