import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cardFields,
  createPaymentSession,
  postForm,
  rejection,
  startHarness,
  startReceiver,
} from "../support/stand-in";
import type { Receiver, SimHarness } from "../support/stand-in";

// Stand-in behaviours the app relies on that no other test pins down.
let h: SimHarness;
let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
  h = await startHarness({ forwardTo: null });
});
afterEach(async () => {
  await h.cleanup();
  await receiver.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

describe("Idempotency-Key lifetime", () => {
  it("replays within 24 h, refuses other parameters, and treats the key as new after 24 h", async () => {
    const key = `idem-${Date.now()}`;
    const first = await h.stripe.customers.create(
      { email: "first@example.com" },
      { idempotencyKey: key },
    );
    const replay = await h.stripe.customers.create(
      { email: "first@example.com" },
      { idempotencyKey: key },
    );
    expect(replay.id).toBe(first.id);
    const misuse = await rejection(
      h.stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: key }),
    );
    expect(misuse.type).toBe("StripeIdempotencyError");

    // The day passes on the stand-in's clock, which keeps its keys, without waiting.
    const moved = await fetch(`${h.sim.url}/_sim/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advance_seconds: DAY_MS / 1000 + 1 }),
    });
    expect(moved.status).toBe(200);
    const fresh = await h.stripe.customers.create(
      { email: "other@example.com" },
      { idempotencyKey: key },
    );
    expect(fresh.id).not.toBe(first.id);
    expect(fresh.email).toBe("other@example.com");
  });
});

describe("expiring a session", () => {
  it("cancels the PaymentIntent that was waiting for a payment method", async () => {
    const session = await createPaymentSession(h.stripe);
    // A declined card leaves the session open with its PaymentIntent waiting for another card.
    const declined = await postForm(session.url!, cardFields("4000 0000 0000 0002"));
    expect(declined.status).toBe(402);
    const open = await h.stripe.checkout.sessions.retrieve(session.id);
    const intentId = open.payment_intent as string;
    expect((await h.stripe.paymentIntents.retrieve(intentId)).status).toBe(
      "requires_payment_method",
    );

    const expired = await h.stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe("expired");
    const intent = await h.stripe.paymentIntents.retrieve(intentId);
    expect(intent).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    const types = (await h.stripe.events.list({ limit: 100 })).data.map((e) => e.type);
    expect(types).toContain("payment_intent.canceled");
  });
});

describe("webhook endpoints", () => {
  it("a disabled endpoint receives nothing; enabled again, it receives new events", async () => {
    const endpoint = await h.stripe.webhookEndpoints.create({
      url: receiver.url,
      enabled_events: ["*"],
    });
    await h.stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
    await h.stripe.customers.create({ email: "unheard@example.com" });
    await h.sim.idle();
    expect(receiver.received).toHaveLength(0);

    await h.stripe.webhookEndpoints.update(endpoint.id, { disabled: false });
    const heard = await h.stripe.customers.create({ email: "heard@example.com" });
    await h.sim.idle();
    expect(receiver.received.map((r) => (r.event.data.object as Stripe.Customer).id)).toEqual([
      heard.id,
    ]);
  });
});

describe("delivery knobs", () => {
  it("are clamped into their bounds over HTTP and in process", async () => {
    const post = (body: object) =>
      fetch(`${h.sim.url}/_sim/knobs`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const knobs = async () =>
      (await (await fetch(`${h.sim.url}/_sim/knobs`)).json()) as Record<string, unknown>;
    expect(
      await (
        await post({ duplicates: 1000, retryBaseMs: 0, maxAttempts: 10_000, timeoutMs: 10_000_000 })
      ).json(),
    ).toMatchObject({
      duplicates: 20,
      retryBaseMs: 1,
      maxAttempts: 50,
      timeoutMs: 120_000,
    });
    expect(
      await (
        await post({ duplicates: 0, delayMs: 10_000_000, maxAttempts: 0, timeoutMs: 0 })
      ).json(),
    ).toMatchObject({
      duplicates: 1,
      delayMs: 600_000,
      maxAttempts: 1,
      timeoutMs: 1,
    });
    // A negative number is refused outright over HTTP, and changes nothing.
    const before = await knobs();
    expect((await post({ delayMs: -5 })).status).toBe(400);
    expect(await knobs()).toEqual(before);
    h.sim.setKnobs({ duplicates: 2.6, retryBaseMs: Number.NaN });
    expect(await knobs()).toMatchObject({ duplicates: 3, retryBaseMs: 1 });
  });
});
