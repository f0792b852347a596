// The Stripe stand-in part of the test harness: a stand-in on a free port with its own temp
// SQLite file, the real stripe SDK pointed at it, a webhook receiver, the hosted pages driven as
// a browser without JavaScript, test clocks, and the official Stripe CLI. Suites of the stand-in
// alone (tests/stripe-sim) use only this file; the app's suites get the same stand-in through
// setupTestAppWithStripe (./stripe-sim.ts).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Stripe from "stripe";
import { startStripeSim } from "../../stripe-sim/index.js";
import type { StripeSim, StripeSimOptions } from "../../stripe-sim/index.js";

export const WEBHOOK_SECRET = "whsec_stripe_sim_tests";

export function tempDbPath(): { dbPath: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "stripe-sim-test-"));
  return {
    dbPath: join(dir, "nested", "sim.db"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function stripeClient(sim: { port: number }, key = "sk_test_x"): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port: sim.port, protocol: "http" });
}

/** The error a Stripe SDK call rejects with; fails the test when the call succeeds. */
export async function rejection(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error("expected the request to fail");
}

export interface ReceivedWebhook {
  body: string;
  headers: IncomingHttpHeaders;
  event: Stripe.Event;
  at: number;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Decides the status for the nth request (1-based); 200 by default. */
  respond: (n: number, event: Stripe.Event) => number | Promise<number>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    received: [],
    respond: () => 200,
    close: async () => undefined,
  };
  let count = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      count++;
      const event = JSON.parse(body) as Stripe.Event;
      receiver.received.push({ body, headers: req.headers, event, at: Date.now() });
      void Promise.resolve(receiver.respond(count, event)).then((status) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ received: true }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export interface SimHarness {
  sim: StripeSim;
  stripe: Stripe;
  dbPath: string;
  cleanup(): Promise<void>;
}

/**
 * A stand-in on an ephemeral port with its own temp SQLite file (removed by `cleanup`), no
 * webhook endpoint unless `forwardTo` is given, signing with WEBHOOK_SECRET unless told.
 */
export async function startStandIn(options: Partial<StripeSimOptions> = {}): Promise<SimHarness> {
  const { dbPath, cleanup } = tempDbPath();
  const sim = await startStripeSim({
    port: 0,
    dbPath,
    forwardTo: null,
    webhookSecret: WEBHOOK_SECRET,
    ...options,
  });
  return {
    sim,
    stripe: stripeClient(sim),
    dbPath,
    cleanup: async () => {
      await sim.close();
      cleanup();
    },
  };
}

/** startStandIn with short retry delays and timeouts, as the stand-in's own suites use it. */
export function startHarness(options: Partial<StripeSimOptions> = {}): Promise<SimHarness> {
  return startStandIn({
    ...options,
    delivery: { retryBaseMs: 20, timeoutMs: 2000, ...options.delivery },
  });
}

export async function createPaymentSession(
  stripe: Stripe,
  params: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: "payment",
    success_url: "http://app.test/payment/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/payment/cancel",
    line_items: [
      {
        price_data: {
          currency: "mad",
          unit_amount: 30000,
          product_data: { name: "Annual talent membership" },
        },
        quantity: 1,
      },
    ],
    customer_email: "talent@example.com",
    ...params,
  });
}

export interface PageResponse {
  status: number;
  location: string | null;
  html: string;
}

/** A browser without JavaScript: a plain form POST, redirects not followed. */
export async function postForm(url: string, fields: Record<string, string>): Promise<PageResponse> {
  const response = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

export async function getPage(url: string): Promise<PageResponse> {
  const response = await fetch(url, { redirect: "manual" });
  return {
    status: response.status,
    location: response.headers.get("location"),
    html: await response.text(),
  };
}

export function cardFields(
  number: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const year = (new Date().getUTCFullYear() + 2) % 100;
  return {
    email: "talent@example.com",
    cardNumber: number,
    cardExpiry: `12 / ${year}`,
    cardCvc: "123",
    billingName: "Amina Talent",
    ...overrides,
  };
}

export async function eventTypes(
  stripe: Stripe,
  filter: Stripe.EventListParams = {},
): Promise<string[]> {
  const events = await stripe.events.list({ limit: 100, ...filter });
  return events.data.map((event) => event.type).reverse();
}

/** Polls until the predicate holds; for effects that land asynchronously (webhooks). */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error("waitFor: timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs the official Stripe CLI (npm @stripe/cli): `stripe trigger <event>` against `apiBase`.
 * `home` is a throwaway HOME: the CLI writes its config there, never into a developer's login.
 */
export function stripeTrigger(
  event: string,
  apiBase: string,
  home: string,
): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      resolve("node_modules/.bin/stripe"),
      ["trigger", event, "--api-base", apiBase, "--api-key", "sk_test_stripe_sim_cli_key"],
      {
        timeout: 30_000,
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: join(home, ".config"),
          STRIPE_CLI_TELEMETRY_OPTOUT: "1",
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

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
