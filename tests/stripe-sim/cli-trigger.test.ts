import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, startReceiver, stripeTrigger, WEBHOOK_SECRET } from "../support/stand-in";
import type { Receiver, SimHarness } from "../support/stand-in";

const verifier = new Stripe("sk_test_verifier");

let receiver: Receiver;
let h: SimHarness;
let cliHome: string;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness({ forwardTo: receiver.url });
  // A throwaway HOME: the CLI writes its config there and must not touch a developer's login.
  cliHome = mkdtempSync(join(tmpdir(), "stripe-cli-home-"));
});
afterAll(async () => {
  await h.cleanup();
  await receiver.close();
  rmSync(cliHome, { recursive: true, force: true });
});

function trigger(event: string): Promise<{ code: number; output: string }> {
  return stripeTrigger(event, h.sim.url, cliHome);
}

async function deliveredSince(count: number): Promise<Stripe.Event[]> {
  await h.sim.idle();
  return receiver.received.slice(count).map((delivery) =>
    // Every delivery must carry a valid signature for the forwardTo secret.
    verifier.webhooks.constructEvent(
      delivery.body,
      String(delivery.headers["stripe-signature"]),
      WEBHOOK_SECRET,
    ),
  );
}

describe("the official Stripe CLI against the stand-in", () => {
  it("stripe trigger checkout.session.completed pays a session through payment_pages", async () => {
    const before = receiver.received.length;
    const result = await trigger("checkout.session.completed");
    expect(result.output).toContain("Trigger succeeded");
    expect(result.code).toBe(0);
    const events = await deliveredSince(before);
    expect(events.map((e) => e.type)).toEqual([
      "product.created",
      "price.created",
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "checkout.session.completed",
    ]);
    const session = events.at(-1)?.data.object as Stripe.Checkout.Session;
    expect(session).toMatchObject({
      status: "complete",
      payment_status: "paid",
      amount_total: 3000,
      currency: "usd",
    });
    expect(session.customer_details?.email).toBe("stripe@example.com");
    const intent = await h.stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(intent.shipping?.name).toBe("Jenny Rosen");
  });

  it("stripe trigger payment_intent.succeeded confirms a PaymentIntent", async () => {
    const before = receiver.received.length;
    const result = await trigger("payment_intent.succeeded");
    expect(result.code).toBe(0);
    const events = await deliveredSince(before);
    expect(events.map((e) => e.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
    ]);
    expect(events.at(-1)?.data.object).toMatchObject({
      status: "succeeded",
      amount: 2000,
      description: "(created by Stripe CLI)",
    });
  });

  it("stripe trigger checkout.session.expired expires a session", async () => {
    const before = receiver.received.length;
    const result = await trigger("checkout.session.expired");
    expect(result.code).toBe(0);
    const events = await deliveredSince(before);
    expect(events.map((e) => e.type)).toEqual([
      "product.created",
      "price.created",
      "checkout.session.expired",
    ]);
    expect(events.at(-1)?.data.object).toMatchObject({
      object: "checkout.session",
      status: "expired",
    });
  });

  it("stripe trigger charge.refunded refunds the PaymentIntent it made", async () => {
    const before = receiver.received.length;
    const result = await trigger("charge.refunded");
    expect(result.code).toBe(0);
    const events = await deliveredSince(before);
    expect(events.map((e) => e.type)).toEqual([
      "payment_intent.created",
      "charge.succeeded",
      "payment_intent.succeeded",
      "refund.created",
      "charge.refunded",
    ]);
    expect(events.at(-1)?.data.object).toMatchObject({ refunded: true, amount_refunded: 100 });
  });

  it("stripe trigger charge.dispute.created opens a dispute on the charge", async () => {
    const before = receiver.received.length;
    const result = await trigger("charge.dispute.created");
    expect(result.output).toContain("Trigger succeeded");
    expect(result.code).toBe(0);
    const events = await deliveredSince(before);
    const created = events.find((e) => e.type === "charge.dispute.created");
    expect(created?.data.object).toMatchObject({ object: "dispute" });
  });
});
