import Database from "better-sqlite3";
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startStripeSim } from "../../stripe-sim/index.js";
import {
  cardFields,
  createPaymentSession,
  postForm,
  startHarness,
  startReceiver,
  stripeClient,
  waitFor,
  WEBHOOK_SECRET,
} from "../support/stand-in";
import type { Receiver, SimHarness } from "../support/stand-in";

const verifier = new Stripe("sk_test_verifier");

let receiver: Receiver;
let h: SimHarness;

beforeEach(async () => {
  receiver = await startReceiver();
  h = await startHarness({ forwardTo: receiver.url });
});
afterEach(async () => {
  await h.cleanup();
  await receiver.close();
});

interface AttemptRecord {
  attempt: number;
  status_code: number | null;
  error: string | null;
  at_ms: number;
}

function attemptsFor(dbPath: string, eventId: string): AttemptRecord[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT attempt, status_code, error, at_ms FROM webhook_attempts WHERE event_id = ? ORDER BY id",
      )
      .all(eventId) as AttemptRecord[];
  } finally {
    db.close();
  }
}

describe("webhook delivery", () => {
  it("signs each delivery exactly as Stripe does, verifiable with stripe.webhooks.constructEvent", async () => {
    const customer = await h.stripe.customers.create({ email: "signed@example.com" });
    await h.sim.idle();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    if (!delivery) throw new Error("no delivery");
    expect(delivery.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(delivery.headers["user-agent"]).toBe("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    expect(delivery.headers["stripe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = verifier.webhooks.constructEvent(
      delivery.body,
      String(delivery.headers["stripe-signature"]),
      WEBHOOK_SECRET,
    );
    expect(event.type).toBe("customer.created");
    expect(event.data.object).toMatchObject({ id: customer.id, email: "signed@example.com" });
    expect(event.request?.id).toBe(customer.lastResponse.requestId);
    expect(() =>
      verifier.webhooks.constructEvent(
        delivery.body,
        String(delivery.headers["stripe-signature"]),
        "whsec_wrong",
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect((await h.stripe.events.retrieve(event.id)).pending_webhooks).toBe(0);
  });

  it("delivers a Checkout payment's events in Stripe's order", async () => {
    const session = await createPaymentSession(h.stripe, { customer_creation: "always" });
    const response = await postForm(session.url ?? "", cardFields("4242424242424242"));
    expect(response.status).toBe(303);
    await h.sim.idle();
    expect(receiver.received.map((r) => r.event.type)).toEqual([
      "customer.created",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const completed = receiver.received[4]?.event.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ id: session.id, status: "complete", payment_status: "paid" });
  });

  it("sends API-created endpoints only the events they enabled, signed with their own secret", async () => {
    const second = await startReceiver();
    try {
      const endpoint = await h.stripe.webhookEndpoints.create({
        url: second.url,
        enabled_events: ["checkout.session.expired"],
      });
      const session = await createPaymentSession(h.stripe);
      await h.stripe.customers.create({ email: "not-for-endpoint@example.com" });
      await h.stripe.checkout.sessions.expire(session.id);
      await h.sim.idle();
      expect(second.received.map((r) => r.event.type)).toEqual(["checkout.session.expired"]);
      const [delivery] = second.received;
      const event = verifier.webhooks.constructEvent(
        delivery?.body ?? "",
        String(delivery?.headers["stripe-signature"]),
        endpoint.secret ?? "",
      );
      expect((event.data.object as Stripe.Checkout.Session).id).toBe(session.id);
      expect(receiver.received.map((r) => r.event.type)).toEqual([
        "customer.created",
        "checkout.session.expired",
      ]);
    } finally {
      await second.close();
    }
  });

  it("retries a failing endpoint with exponential backoff and records every attempt", async () => {
    h.sim.setKnobs({ retryBaseMs: 50 });
    receiver.respond = (n) => (n <= 2 ? 500 : 200);
    const customer = await h.stripe.customers.create({ email: "retry@example.com" });
    await h.sim.idle();
    expect(receiver.received).toHaveLength(3);
    const eventId = receiver.received[0]?.event.id ?? "";
    expect(new Set(receiver.received.map((r) => r.event.id))).toEqual(new Set([eventId]));
    expect((receiver.received[0]?.event.data.object as Stripe.Customer).id).toBe(customer.id);
    const attempts = attemptsFor(h.dbPath, eventId);
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    const [first, second, third] = attempts;
    expect((second?.at_ms ?? 0) - (first?.at_ms ?? 0)).toBeGreaterThanOrEqual(50);
    expect((third?.at_ms ?? 0) - (second?.at_ms ?? 0)).toBeGreaterThanOrEqual(100);
    expect((await h.stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
  });

  it("gives up after maxAttempts and treats a timeout as a failure", async () => {
    h.sim.setKnobs({ maxAttempts: 3, timeoutMs: 100 });
    receiver.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 400));
    await h.stripe.customers.create({ email: "slow@example.com" });
    await h.sim.idle();
    const eventId = receiver.received[0]?.event.id ?? "";
    const attempts = attemptsFor(h.dbPath, eventId);
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.status_code === null && /Timed out/.test(a.error ?? ""))).toBe(
      true,
    );
    expect((await h.stripe.events.retrieve(eventId)).pending_webhooks).toBe(0);
  });

  it("delivers duplicates when asked: each event N times with the same id", async () => {
    h.sim.setKnobs({ duplicates: 3 });
    const customer = await h.stripe.customers.create({ email: "dupes@example.com" });
    await h.sim.idle();
    expect(receiver.received).toHaveLength(3);
    expect(
      receiver.received.every((r) => (r.event.data.object as Stripe.Customer).id === customer.id),
    ).toBe(true);
    expect(new Set(receiver.received.map((r) => r.event.id)).size).toBe(1);
  });

  it("waits delayMs before the first attempt", async () => {
    h.sim.setKnobs({ delayMs: 300 });
    const started = Date.now();
    await h.stripe.customers.create({ email: "late@example.com" });
    // Checked as soon as the API answered: no sleep, so a slow machine cannot make it pass or fail.
    expect(receiver.received).toHaveLength(0);
    await h.sim.idle();
    expect(receiver.received).toHaveLength(1);
    expect((receiver.received[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(300);
  });

  it("shuffles a batch of pending events when asked, still delivering each once", async () => {
    h.sim.setKnobs({ shuffle: true });
    // A first delivery held open keeps the endpoint busy, so the next eight queue up and go out
    // as one batch when it is released, however long creating them takes.
    let release: (status: number) => void = () => undefined;
    receiver.respond = (n) =>
      n === 1 ? new Promise<number>((resolve) => (release = resolve)) : 200;
    await h.stripe.customers.create({ email: "gate@example.com" });
    await waitFor(() => receiver.received.length === 1);
    const created: string[] = [];
    for (let i = 0; i < 8; i++)
      created.push((await h.stripe.customers.create({ email: `shuffle${i}@example.com` })).id);
    expect(receiver.received).toHaveLength(1);
    release(200);
    await h.sim.idle();
    const delivered = receiver.received
      .slice(1)
      .map((r) => (r.event.data.object as Stripe.Customer).id);
    expect([...delivered].sort()).toEqual([...created].sort());
    // 8! orders: the chance of getting creation order back by luck is 1 in 40320.
    expect(delivered).not.toEqual(created);
  });

  it("exposes and changes the knobs over HTTP", async () => {
    const initial = (await (await fetch(`${h.sim.url}/_sim/knobs`)).json()) as Record<
      string,
      unknown
    >;
    expect(initial).toMatchObject({ duplicates: 1, shuffle: false, delayMs: 0, retryBaseMs: 20 });
    const changed = await fetch(`${h.sim.url}/_sim/knobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ duplicates: 2, shuffle: true }),
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ duplicates: 2, shuffle: true });
    const bad = await fetch(`${h.sim.url}/_sim/knobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"nope":1}',
    });
    expect(bad.status).toBe(400);
    await fetch(`${h.sim.url}/_sim/knobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"shuffle":false}',
    });
    await h.stripe.customers.create({ email: "twice@example.com" });
    await h.sim.idle();
    expect(receiver.received).toHaveLength(2);
  });

  it("shows events with their attempts on the dashboard and resends one from it", async () => {
    const customer = await h.stripe.customers.create({ email: "dash@example.com", name: "Dash" });
    await h.sim.idle();
    const eventId = receiver.received[0]?.event.id ?? "";
    const dashboard = await fetch(`${h.sim.url}/`);
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain(eventId);
    expect(html).toContain(customer.id);
    expect(html).toContain("dash@example.com");
    expect(html).toContain(`action="/_sim/events/${eventId}/resend"`);

    const resend = await fetch(`${h.sim.url}/_sim/events/${eventId}/resend`, {
      method: "POST",
      redirect: "manual",
    });
    expect(resend.status).toBe(303);
    await h.sim.idle();
    expect(receiver.received.map((r) => r.event.id)).toEqual([eventId, eventId]);
    expect(attemptsFor(h.dbPath, eventId)).toHaveLength(2);
    expect(
      (
        await fetch(`${h.sim.url}/_sim/events/evt_missing/resend`, {
          method: "POST",
          redirect: "manual",
        })
      ).status,
    ).toBe(404);
  });
});

describe("persistence", () => {
  it("keeps customers, sessions and events across a restart on the same dbPath", async () => {
    const customer = await h.stripe.customers.create(
      { email: "durable@example.com" },
      { idempotencyKey: "durable-key" },
    );
    const session = await createPaymentSession(h.stripe, {
      customer: customer.id,
      customer_email: undefined,
    });
    await h.sim.idle();
    await h.sim.close();

    const again = await startStripeSim({
      port: 0,
      dbPath: h.dbPath,
      forwardTo: receiver.url,
      webhookSecret: WEBHOOK_SECRET,
    });
    try {
      const stripe = stripeClient(again);
      expect(await stripe.customers.retrieve(customer.id)).toMatchObject({
        email: "durable@example.com",
      });
      const restored = await stripe.checkout.sessions.retrieve(session.id);
      expect(restored).toMatchObject({
        status: "open",
        customer: customer.id,
        amount_total: 30000,
      });
      const replay = await stripe.customers.create(
        { email: "durable@example.com" },
        { idempotencyKey: "durable-key" },
      );
      expect(replay.id).toBe(customer.id);
      expect((await stripe.events.list({ type: "customer.created" })).data).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it("fails to start on a taken port without holding the database", async () => {
    await expect(startStripeSim({ port: h.sim.port, dbPath: h.dbPath })).rejects.toThrow(
      /EADDRINUSE/,
    );
    expect((await h.stripe.customers.create({ email: "still-here@example.com" })).id).toMatch(
      /^cus_/,
    );
  });

  it("resumes pending deliveries after a restart", async () => {
    h.sim.setKnobs({ retryBaseMs: 300, maxAttempts: 5 });
    receiver.respond = () => 503;
    const customer = await h.stripe.customers.create({ email: "resume@example.com" });
    await waitFor(() => receiver.received.length >= 1);
    await h.sim.close();
    const attemptsBefore = receiver.received.length;
    receiver.respond = () => 200;

    const again = await startStripeSim({
      port: 0,
      dbPath: h.dbPath,
      forwardTo: receiver.url,
      webhookSecret: WEBHOOK_SECRET,
      delivery: { retryBaseMs: 20 },
    });
    try {
      await again.idle();
      const last = receiver.received.at(-1);
      expect(receiver.received.length).toBeGreaterThan(attemptsBefore);
      expect((last?.event.data.object as Stripe.Customer).id).toBe(customer.id);
      const eventId = last?.event.id ?? "";
      expect(attemptsFor(h.dbPath, eventId).at(-1)?.status_code).toBe(200);
    } finally {
      await again.close();
    }
  });
});
