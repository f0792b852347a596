import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, startReceiver, stripeTrigger, WEBHOOK_SECRET } from "../support/stand-in";
import type { Receiver, SimHarness } from "../support/stand-in";

/**
 * `stripe trigger` (the official CLI) for every fixture Stripe's CLI ships in
 * ../shared/stripe-reference/cli-triggers/ and every event type the app's event table handles
 * that the CLI can trigger: each run must succeed and emit its named event, signed.
 */
const FIXTURES_DIR = ["../shared", "../../shared"]
  .map((dir) => resolve(dir, "stripe-reference/cli-triggers"))
  .find((dir) => existsSync(dir));
/** The fixtures' names, kept here too so the test runs where ../shared is absent (CI). */
const KNOWN_FIXTURES = [
  "billing_portal.session.created",
  "checkout.session.async_payment_failed",
  "checkout.session.async_payment_succeeded",
  "charge.refunded",
  "charge.succeeded",
  "checkout.session.completed",
  "checkout.session.expired",
  "customer.created",
  "customer.subscription.created",
  "customer.subscription.deleted",
  "customer.subscription.trial_will_end",
  "customer.subscription.updated",
  "invoice.paid",
  "invoice.payment_failed",
  "payment_intent.payment_failed",
  "payment_intent.succeeded",
  "price.created",
  "product.created",
  "subscription.payment_failed",
  "subscription.payment_succeeded",
];
const FIXTURE_EVENTS = FIXTURES_DIR
  ? readdirSync(FIXTURES_DIR)
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.replace(/\.json$/, ""))
  : KNOWN_FIXTURES;

/** Types in app/stripe-events/ that `stripe trigger` supports. */
const APP_EVENTS = [
  "charge.dispute.closed",
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.refund.updated",
  "charge.refunded",
  "checkout.session.completed",
  "checkout.session.expired",
  "customer.subscription.created",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.trial_will_end",
  "customer.subscription.updated",
  "invoice.created",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_action_required",
  "invoice.payment_failed",
  "invoice.payment_succeeded",
  "invoice.updated",
  "invoice.voided",
  "setup_intent.succeeded",
];

/** What a fixture named after a flow emits (the CLI names two of its fixtures this way). */
const EMITTED: Record<string, string> = {
  "subscription.payment_failed": "invoice.payment_failed",
  "subscription.payment_succeeded": "invoice.payment_succeeded",
};

const EVENTS = [...new Set([...FIXTURE_EVENTS, ...APP_EVENTS])].sort();

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

describe("stripe trigger, for every CLI fixture and every handled event type", () => {
  it.each(EVENTS)("%s", { timeout: 60_000 }, async (event) => {
    const before = receiver.received.length;
    const result = await stripeTrigger(event, h.sim.url, cliHome);
    expect(result.output).toContain("Trigger succeeded");
    expect(result.code).toBe(0);
    await h.sim.idle();
    const types = receiver.received
      .slice(before)
      .map(
        (delivery) =>
          verifier.webhooks.constructEvent(
            delivery.body,
            String(delivery.headers["stripe-signature"]),
            WEBHOOK_SECRET,
          ).type,
      );
    expect(types).toContain(EMITTED[event] ?? event);
  });
});
