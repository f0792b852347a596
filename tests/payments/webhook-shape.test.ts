import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser } from "../support/factories";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest } from "../support/stripe-events";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

async function counts() {
  const count = async (table: "stripe_webhook_events" | "email_outbox" | "payments") =>
    Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    events: await count("stripe_webhook_events"),
    emails: await count("email_outbox"),
    payments: await count("payments"),
  };
}

const completed = (object: unknown) => ({
  ...stripeEvent("checkout.session.completed", {}),
  data: { object },
});

describe("a correctly signed body that is not a Stripe event", () => {
  it.each<[string, string]>([
    ["null", "null"],
    ["a number", "42"],
    ["a string", JSON.stringify("evt_123")],
    ["an array", "[]"],
    [
      "an event without an id",
      JSON.stringify({ ...stripeEvent("ping.test", { id: "x" }), id: undefined }),
    ],
    [
      "an event whose type is not a string",
      JSON.stringify({ ...stripeEvent("ping.test", { id: "x" }), type: 7 }),
    ],
    [
      "an event without data",
      JSON.stringify({ ...stripeEvent("ping.test", { id: "x" }), data: null }),
    ],
    ["a checkout.session.completed whose data.object is null", JSON.stringify(completed(null))],
    [
      "a checkout.session.completed whose data.object is a string",
      JSON.stringify(completed("cs_test_123")),
    ],
    [
      "a checkout.session.completed that carries a payment intent",
      JSON.stringify(completed({ id: "pi_123", object: "payment_intent" })),
    ],
  ])("answers 400 and writes nothing for %s, every time it is delivered", async (_label, body) => {
    const user = await createUser(app.db);
    await createPendingPayment(app.db, user);
    const before = await counts();
    for (let delivery = 0; delivery < 2; delivery++) {
      const response = await action(args(webhookRequest(body)));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "Not a Stripe event" });
    }
    expect(await counts()).toEqual(before);
  });
});
