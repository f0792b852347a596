import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentSession, getPage, rejection, startHarness } from "../support/stand-in";
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

/** Form values the SDK types as numbers, sent verbatim (as a hand-written request would). */
const raw = (value: string) => value as unknown as number;
const decimal = (value: string) =>
  value as unknown as NonNullable<Stripe.PriceCreateParams["unit_amount_decimal"]>;

/** What each rejected request must not have left behind. */
async function counts() {
  const [products, prices, sessions, intents, events] = await Promise.all([
    stripe.products.list({ limit: 100 }),
    stripe.prices.list({ limit: 100 }),
    stripe.checkout.sessions.list({ limit: 100 }),
    stripe.paymentIntents.list({ limit: 100 }),
    stripe.events.list({ limit: 100 }),
  ]);
  return {
    products: products.data.length,
    prices: prices.data.length,
    sessions: sessions.data.length,
    intents: intents.data.length,
    events: events.data.length,
  };
}

async function expectInvalid(
  promise: Promise<unknown>,
  param: string,
  message?: RegExp | string,
): Promise<Stripe.errors.StripeError> {
  const error = await rejection(promise);
  expect(error.type).toBe("StripeInvalidRequestError");
  expect(error.statusCode).toBe(400);
  expect(error.param).toBe(param);
  if (typeof message === "string") expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}

function inlineItem(
  priceData: Partial<Stripe.Checkout.SessionCreateParams.LineItem.PriceData>,
  quantity: number = 1,
) {
  return [
    {
      price_data: {
        currency: "mad",
        unit_amount: 30000,
        product_data: { name: "Annual talent membership" },
        ...priceData,
      },
      quantity,
    },
  ];
}

describe("amount and quantity bounds", () => {
  it("refuses unit_amount beyond 8 digits or beyond 2^53, and bad unit_amount_decimal, creating nothing", async () => {
    const before = await counts();
    const tooMany = "This value must be less than or equal to 99999999.";

    await expectInvalid(
      stripe.prices.create({
        currency: "usd",
        product_data: { name: "Huge" },
        unit_amount: raw("99999999999999999999"),
      }),
      "unit_amount",
      /^Invalid integer/,
    );
    await expectInvalid(
      stripe.prices.create({
        currency: "usd",
        product_data: { name: "Huge" },
        unit_amount: 100_000_000,
      }),
      "unit_amount",
      tooMany,
    );
    await expectInvalid(
      stripe.prices.create({
        currency: "usd",
        product_data: { name: "Negative" },
        unit_amount: -1,
      }),
      "unit_amount",
    );
    await expectInvalid(
      stripe.prices.create({
        currency: "usd",
        product_data: { name: "Huge" },
        unit_amount_decimal: decimal("100000000"),
      }),
      "unit_amount_decimal",
      tooMany,
    );
    await expectInvalid(
      stripe.prices.create({
        currency: "usd",
        product_data: { name: "Exponent" },
        unit_amount_decimal: decimal("1e5"),
      }),
      "unit_amount_decimal",
      /^Invalid decimal/,
    );

    await expectInvalid(
      createPaymentSession(stripe, {
        line_items: inlineItem({ unit_amount: raw("99999999999999999999") }),
      }),
      "line_items[0][price_data][unit_amount]",
      /^Invalid integer/,
    );
    await expectInvalid(
      createPaymentSession(stripe, { line_items: inlineItem({ unit_amount: 100_000_000 }) }),
      "line_items[0][price_data][unit_amount]",
      tooMany,
    );
    await expectInvalid(
      stripe.paymentIntents.create({ amount: 100_000_000, currency: "usd" }),
      "amount",
      tooMany,
    );
    await expectInvalid(
      stripe.paymentIntents.create({ amount: raw("99999999999999999999"), currency: "usd" }),
      "amount",
      /^Invalid integer/,
    );

    expect(await counts()).toEqual(before);
  });

  it("refuses quantities outside 1..999999 and a session total beyond 8 digits, creating nothing", async () => {
    const before = await counts();
    for (const quantity of [0, -1, 1_000_000, raw("99999999999999999999")]) {
      await expectInvalid(
        createPaymentSession(stripe, { line_items: inlineItem({}, quantity) }),
        "line_items[0][quantity]",
      );
    }
    const total = await expectInvalid(
      createPaymentSession(stripe, { line_items: inlineItem({ unit_amount: 99_999_999 }, 2) }),
      "line_items",
      /total amount due must be no more than 99999999/,
    );
    expect(total.code).toBe("amount_too_large");
    const large = await stripe.prices.create({
      currency: "mad",
      product_data: { name: "Large" },
      unit_amount: 60_000_000,
    });
    const afterPrice = await counts();
    await expectInvalid(
      createPaymentSession(stripe, {
        line_items: [
          { price: large.id, quantity: 1 },
          { price: large.id, quantity: 1 },
        ],
      }),
      "line_items",
    );
    expect(await counts()).toEqual(afterPrice);
    expect(afterPrice.prices).toBe(before.prices + 1);
  });

  it("still accepts the largest amounts Stripe allows", async () => {
    const price = await stripe.prices.create({
      currency: "usd",
      product_data: { name: "Max" },
      unit_amount: 99_999_999,
    });
    expect(price.unit_amount).toBe(99_999_999);
    const fraction = await stripe.prices.create({
      currency: "usd",
      product_data: { name: "Decimal" },
      unit_amount_decimal: decimal("1500.5"),
    });
    expect(fraction.unit_amount).toBe(1501);
    const session = await createPaymentSession(stripe, {
      line_items: inlineItem({ unit_amount: 1_000 }, 99_999),
    });
    expect(session.amount_total).toBe(99_999_000);
    const intent = await stripe.paymentIntents.create({ amount: 99_999_999, currency: "usd" });
    expect(intent.amount).toBe(99_999_999);
  });
});

describe("success_url and cancel_url", () => {
  it("refuses anything but an absolute http(s) URL with Stripe's url_invalid, creating nothing", async () => {
    const before = await counts();
    const bad = [
      "notaurl",
      "/payment/success",
      "http:notaurl",
      "ftp://app.test/ok",
      "javascript:alert(1)",
      "http://",
    ];
    for (const url of bad) {
      const success = await expectInvalid(
        createPaymentSession(stripe, { success_url: url }),
        "success_url",
        "Not a valid URL",
      );
      expect(success.code).toBe("url_invalid");
      const cancel = await expectInvalid(
        createPaymentSession(stripe, { cancel_url: url }),
        "cancel_url",
        "Not a valid URL",
      );
      expect(cancel.code).toBe("url_invalid");
    }
    await expectInvalid(
      createPaymentSession(stripe, { success_url: `https://app.test/${"a".repeat(5000)}` }),
      "success_url",
      "Invalid URL: URL must be 5000 characters or less.",
    );
    expect(await counts()).toEqual(before);
  });

  it("keeps the {CHECKOUT_SESSION_ID} placeholder and local http URLs", async () => {
    const session = await createPaymentSession(stripe, {
      success_url:
        "https://talents.example/payment/{CHECKOUT_SESSION_ID}/done?session_id={CHECKOUT_SESSION_ID}",
      cancel_url: "http://localhost:3000/payment/cancel",
    });
    expect(session.success_url).toBe(
      "https://talents.example/payment/{CHECKOUT_SESSION_ID}/done?session_id={CHECKOUT_SESSION_ID}",
    );
    expect(session.cancel_url).toBe("http://localhost:3000/payment/cancel");
  });
});

describe("currency", () => {
  it("refuses codes that are not ISO 4217 currencies, at every place a currency is taken, creating nothing", async () => {
    const before = await counts();
    await expectInvalid(
      stripe.prices.create({ currency: "zzz", product_data: { name: "Odd" }, unit_amount: 100 }),
      "currency",
      /^Invalid currency: zzz\./,
    );
    await expectInvalid(
      stripe.prices.create({ currency: "ZZZ", product_data: { name: "Odd" }, unit_amount: 100 }),
      "currency",
      /^Invalid currency: zzz\./,
    );
    await expectInvalid(
      stripe.prices.create({ currency: "us", product_data: { name: "Odd" }, unit_amount: 100 }),
      "currency",
      /^Invalid currency: us\./,
    );
    await expectInvalid(
      createPaymentSession(stripe, { line_items: inlineItem({ currency: "zzz" }) }),
      "line_items[0][price_data][currency]",
      /^Invalid currency: zzz\./,
    );
    await expectInvalid(
      stripe.paymentIntents.create({ amount: 500, currency: "zzz" }),
      "currency",
      /^Invalid currency: zzz\./,
    );
    expect(await counts()).toEqual(before);
  });

  it("accepts the app's mad (any case), the CLI fixtures' usd, and shows zero-decimal currencies on the hosted page", async () => {
    const mad = await stripe.prices.create({
      currency: "MAD",
      product_data: { name: "Membership" },
      unit_amount: 30000,
    });
    expect(mad.currency).toBe("mad");
    const usd = await stripe.prices.create({
      currency: "usd",
      product_data: { name: "Fixture" },
      unit_amount: 1500,
    });
    expect(usd.currency).toBe("usd");
    const session = await createPaymentSession(stripe);
    expect(session.currency).toBe("mad");
    for (const [code, shown] of [
      ["jpy", "\u00a51,500"],
      ["krw", "\u20a91,500"],
    ] as const) {
      const zero = await createPaymentSession(stripe, {
        line_items: inlineItem({ currency: code, unit_amount: 1500 }),
      });
      expect(zero).toMatchObject({ currency: code, amount_total: 1500 });
      expect((await getPage(zero.url ?? "")).html).toContain(shown);
    }
  });
});
