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
  cliHome = mkdtempSync(join(tmpdir(), "stripe-cli-home-"));
});
afterAll(async () => {
  await h.cleanup();
  await receiver.close();
  rmSync(cliHome, { recursive: true, force: true });
});

/** Runs `stripe trigger` and returns the signed events the forward-to endpoint received because of it. */
async function trigger(event: string): Promise<Stripe.Event[]> {
  const before = receiver.received.length;
  const result = await stripeTrigger(event, h.sim.url, cliHome);
  expect(result.output).toContain("Trigger succeeded");
  expect(result.code).toBe(0);
  await h.sim.idle();
  return receiver.received
    .slice(before)
    .map((delivery) =>
      verifier.webhooks.constructEvent(
        delivery.body,
        String(delivery.headers["stripe-signature"]),
        WEBHOOK_SECRET,
      ),
    );
}

describe("stripe trigger for billing events against the stand-in", () => {
  it("customer.subscription.created", async () => {
    const events = await trigger("customer.subscription.created");
    const created = events.find((e) => e.type === "customer.subscription.created");
    expect(created?.data.object).toMatchObject({
      object: "subscription",
      status: "active",
      currency: "usd",
    });
    expect(events.map((e) => e.type)).toContain("invoice.paid");
  });

  it("customer.subscription.updated, with previous_attributes", async () => {
    const events = await trigger("customer.subscription.updated");
    const updated = events.find((e) => e.type === "customer.subscription.updated");
    expect(updated?.data.object).toMatchObject({ metadata: { foo: "bar" } });
    expect(updated?.data.previous_attributes).toEqual({ metadata: {} });
  });

  it("customer.subscription.deleted", async () => {
    const events = await trigger("customer.subscription.deleted");
    const deleted = events.find((e) => e.type === "customer.subscription.deleted");
    expect(deleted?.data.object).toMatchObject({ status: "canceled" });
  });

  it("customer.subscription.trial_will_end (a one-day trial warns at once)", async () => {
    const events = await trigger("customer.subscription.trial_will_end");
    const types = events.map((e) => e.type);
    expect(types).toContain("customer.subscription.trial_will_end");
    expect(types.indexOf("customer.subscription.created")).toBeLessThan(
      types.indexOf("customer.subscription.trial_will_end"),
    );
  });

  it("invoice.paid", async () => {
    const events = await trigger("invoice.paid");
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        "invoiceitem.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
      ]),
    );
    expect(events.find((e) => e.type === "invoice.paid")?.data.object).toMatchObject({
      status: "paid",
      amount_paid: 2000,
    });
  });

  it("invoice.payment_failed", async () => {
    const events = await trigger("invoice.payment_failed");
    const failed = events.find((e) => e.type === "invoice.payment_failed");
    expect(failed?.data.object).toMatchObject({ status: "open", attempt_count: 1 });
  });

  it("billing_portal.session.created", async () => {
    const events = await trigger("billing_portal.session.created");
    const session = events.find((e) => e.type === "billing_portal.session.created")?.data.object as
      Stripe.BillingPortal.Session | undefined;
    expect(session?.url).toMatch(new RegExp(`^${h.sim.url}/p/session/test_`));
    const page = await fetch(session?.url ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Current subscription");
  });

  it("subscription.payment_succeeded and subscription.payment_failed (a customer-fail card leaves it incomplete)", async () => {
    const ok = await trigger("subscription.payment_succeeded");
    expect(ok.find((e) => e.type === "customer.subscription.created")?.data.object).toMatchObject({
      status: "active",
    });
    const failed = await trigger("subscription.payment_failed");
    expect(
      failed.find((e) => e.type === "customer.subscription.created")?.data.object,
    ).toMatchObject({ status: "incomplete" });
    expect(failed.map((e) => e.type)).toContain("invoice.payment_failed");
  });
});
