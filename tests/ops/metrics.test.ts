import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, SERVER_TIMEOUTS } from "../../db/connection";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { devMailboxTransport } from "../../app/email/transport.server";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { markShuttingDown } from "../../app/lib/lifecycle.server";
import { readiness } from "../../app/lib/readiness.server";
import { metricsAccess } from "../../app/observability/metrics-access.server";
import { instrumentStripe, metrics, stripeOperation } from "../../app/observability/metrics.server";
import { compileRoutes, routeLabel } from "../../app/observability/http.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { loader as readyzLoader } from "../../app/routes/readyz";
import { loader as healthzLoader } from "../../app/routes/healthz";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { createTestDatabase, makeTempDir } from "../support/app";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest } from "../support/stripe-events";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";
import { paidCheckoutEvents } from "../support/webhook-sender";
import { migrateToLatest } from "../../db/migrator";
import { createStripeClient } from "../../app/lib/stripe.server";
import { freePort } from "../tools/postgres-cluster";

// GET /metrics, /healthz and /readyz in the app's process: the exposition parses and names
// every metric; each webhook outcome, payment, email and Stripe call moves its counter by
// exactly one; who may read the metrics; readiness while the database or the migrations are
// not there and while shutting down.

let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

const METRIC_NAMES = [
  "http_request_duration_seconds",
  "stripe_webhook_events_total",
  "stripe_webhook_processing_seconds",
  "stripe_api_requests_total",
  "stripe_api_request_duration_seconds",
  "email_outbox_pending",
  "email_outbox_oldest_pending_seconds",
  "emails_sent_total",
  "emails_failed_total",
  "payments_total",
  "subscriptions",
  "disputes_open",
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_eventloop_lag_seconds",
  "nodejs_gc_duration_seconds",
];

function fromLoopback(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost:3000${path}`, {
    headers: { [CLIENT_ADDRESS_HEADER]: "127.0.0.1", ...headers },
  });
}

async function scrape(): Promise<{ status: number; text: string }> {
  const response = await metricsLoader(args(fromLoopback("/metrics")));
  return { status: response.status, text: await response.text() };
}

/** name{labels} value lines of a Prometheus text exposition; throws on a line that is neither that nor a comment. */
function parseExposition(text: string): Array<{ name: string; labels: string; value: number }> {
  const samples: Array<{ name: string; labels: string; value: number }> = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/i.exec(
      line,
    );
    if (!match) throw new Error(`not an exposition line: ${line}`);
    samples.push({ name: match[1]!, labels: match[2] ?? "", value: Number(match[3]) });
  }
  return samples;
}

async function counter(
  metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  const found = values.find((v) =>
    Object.entries(labels).every(
      ([k, value]) => (v.labels as Record<string, unknown>)[k] === value,
    ),
  );
  return found?.value ?? 0;
}

const webhookCount = (type: string, outcome: string) =>
  counter(metrics.webhookEvents, { type, outcome });

describe("the exposition", () => {
  it("parses and names every metric, the database gauges read at scrape time", async () => {
    const [event] = await paidCheckoutEvents(app.db, 1, "gauges");
    expect((await webhookAction(args(webhookRequest(event!)))).status).toBe(200);
    const { status, text } = await scrape();
    expect(status).toBe(200);
    const samples = parseExposition(text);
    const names = new Set(text.match(/^# TYPE (\S+)/gm)!.map((line) => line.slice(7)));
    for (const name of METRIC_NAMES) expect(names, name).toContain(name);
    // the confirmation waits in the outbox
    const pending = samples.find((s) => s.name === "email_outbox_pending");
    expect(pending?.value).toBeGreaterThanOrEqual(1);
    const oldest = samples.find((s) => s.name === "email_outbox_oldest_pending_seconds");
    expect(oldest?.value).toBeGreaterThanOrEqual(0);
    await dispatchDueEmails(app.db, devMailboxTransport, () => new Date());
    const after = parseExposition((await scrape()).text);
    expect(after.find((s) => s.name === "email_outbox_pending")?.value).toBe(0);
    expect(after.find((s) => s.name === "email_outbox_oldest_pending_seconds")?.value).toBe(0);
  });

  it("counts the open disputes", async () => {
    const now = new Date().toISOString();
    const dispute = (id: string, closed: boolean) => ({
      stripe_dispute_id: id,
      stripe_charge_id: `ch_${id}`,
      amount: 30000,
      currency: "mad",
      status: closed ? "won" : "needs_response",
      stripe_created_at: now,
      closed_at: closed ? now : null,
      updated_at: now,
    });
    await app.db
      .insertInto("disputes")
      .values([dispute("dp_open", false), dispute("dp_won", true)])
      .execute();
    const samples = parseExposition((await scrape()).text);
    expect(samples).toContainEqual({ name: "disputes_open", labels: "", value: 1 });
  });

  it("counts subscriptions by status from the table", async () => {
    const user = (await paidCheckoutEvents(app.db, 1, "subs"))[0]!;
    const session = user.data.object as Stripe.Checkout.Session;
    const owner = await app.db
      .selectFrom("payments")
      .select("user_id")
      .where("stripe_checkout_session_id", "=", session.id)
      .executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    for (const [id, status] of [
      ["sub_a", "active"],
      ["sub_b", "active"],
      ["sub_c", "past_due"],
    ] as const) {
      await app.db
        .insertInto("subscriptions")
        .values({
          stripe_subscription_id: id,
          user_id: owner.user_id,
          stripe_customer_id: "cus_metrics",
          plan: "talent_monthly",
          interval: "month",
          stripe_price_id: "price_x",
          amount: 3000,
          currency: "mad",
          status,
          current_period_start: now,
          current_period_end: now,
          trial_start: null,
          trial_end: null,
          cancel_at_period_end: 0,
          cancel_at: null,
          canceled_at: null,
          ended_at: null,
          cancellation_reason: null,
          card_brand: null,
          card_last4: null,
          latest_invoice_id: null,
          stripe_created_at: now,
          synced_at: now,
        })
        .execute();
    }
    const samples = parseExposition((await scrape()).text);
    expect(samples).toContainEqual({
      name: "subscriptions",
      labels: '{status="active"}',
      value: 2,
    });
    expect(samples).toContainEqual({
      name: "subscriptions",
      labels: '{status="past_due"}',
      value: 1,
    });
  });
});

describe("counters move by exactly one per outcome", () => {
  it("processed, duplicate, ignored, bad signature and failed webhooks; the payment paid; the email sent", async () => {
    const [paid, failing] = await paidCheckoutEvents(app.db, 2, "outcomes");
    const type = "checkout.session.completed";
    const before = {
      processed: await webhookCount(type, "processed"),
      duplicate: await webhookCount(type, "duplicate"),
      ignored: await webhookCount("balance.available", "ignored"),
      bad: await webhookCount("unknown", "bad_signature"),
      failed: await webhookCount(type, "failed"),
      payments: await counter(metrics.payments, {
        role: "talent",
        plan: "talent_annual_membership",
        outcome: "paid",
      }),
      sent: await counter(metrics.emailsSent, { template: "payment-confirmation" }),
    };

    expect((await webhookAction(args(webhookRequest(paid!)))).status).toBe(200);
    expect(await webhookCount(type, "processed")).toBe(before.processed + 1);
    expect(
      await counter(metrics.payments, {
        role: "talent",
        plan: "talent_annual_membership",
        outcome: "paid",
      }),
    ).toBe(before.payments + 1);

    expect((await webhookAction(args(webhookRequest(paid!)))).status).toBe(200);
    expect(await webhookCount(type, "duplicate")).toBe(before.duplicate + 1);
    expect(await webhookCount(type, "processed")).toBe(before.processed + 1);
    // a duplicate pays nothing twice
    expect(
      await counter(metrics.payments, {
        role: "talent",
        plan: "talent_annual_membership",
        outcome: "paid",
      }),
    ).toBe(before.payments + 1);

    const other = stripeEvent("balance.available", { id: "bal_1", object: "balance" });
    expect((await webhookAction(args(webhookRequest(other)))).status).toBe(200);
    expect(await webhookCount("balance.available", "ignored")).toBe(before.ignored + 1);

    const forged = webhookRequest(paid!, { signature: "t=1,v1=deadbeef" });
    expect((await webhookAction(args(forged))).status).toBe(400);
    expect(await webhookCount("unknown", "bad_signature")).toBe(before.bad + 1);

    const response = await handleStripeWebhook(webhookRequest(failing!), {
      db: app.db,
      onEffectsApplied: () => {
        throw new Error("effects fail on purpose");
      },
    });
    expect(response.status).toBe(500);
    expect(await webhookCount(type, "failed")).toBe(before.failed + 1);
    // rolled back: no payment counted for it
    expect(
      await counter(metrics.payments, {
        role: "talent",
        plan: "talent_annual_membership",
        outcome: "paid",
      }),
    ).toBe(before.payments + 1);

    await dispatchDueEmails(app.db, devMailboxTransport, () => new Date());
    expect(await counter(metrics.emailsSent, { template: "payment-confirmation" })).toBe(
      before.sent + 1,
    );
    const histogram = await metrics.webhookSeconds.get();
    expect(histogram.values.some((v) => v.metricName?.endsWith("_count") && v.value > 0)).toBe(
      true,
    );
  });

  it("Stripe API calls by operation and outcome, ids taken out of the path", async () => {
    const created = { operation: "POST /v1/customers", outcome: "ok" };
    const missing = { operation: "GET /v1/customers/:id", outcome: "client_error" };
    const before = [
      await counter(metrics.stripeRequests, created),
      await counter(metrics.stripeRequests, missing),
    ];
    const customer = await app.stripe.customers.create({ email: "metrics@example.test" });
    await expect(app.stripe.customers.retrieve("cus_doesnotexist")).rejects.toThrow();
    expect(await counter(metrics.stripeRequests, created)).toBe(before[0]! + 1);
    expect(await counter(metrics.stripeRequests, missing)).toBe(before[1]! + 1);
    expect(customer.id).toMatch(/^cus_/);
    expect(stripeOperation("get", `/v1/customers/${customer.id}/sources?limit=3`)).toBe(
      "GET /v1/customers/:id/sources",
    );
  });
});

describe("Stripe API calls that get no response", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** A local HTTP server answering with `handle`; the app's own client pointed at it. */
  async function stripeAt(handle: Parameters<typeof createServer>[1]): Promise<Stripe> {
    const server = createServer(handle);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return createStripeClient("sk_test_metrics", `http://127.0.0.1:${port}`);
  }

  const stripeCount = (operation: string, outcome: string) =>
    counter(metrics.stripeRequests, { operation, outcome });
  const durationCount = async (operation: string) => {
    const { values } = await metrics.stripeSeconds.get();
    return (
      values.find(
        (v) => v.metricName?.endsWith("_count") && (v.labels.operation as string) === operation,
      )?.value ?? 0
    );
  };

  it("counts each call refused by a closed port once, as network_error, whatever its retries", async () => {
    // the app's client retries twice: three refused connections a call, one call counted
    const closed = createStripeClient("sk_test_metrics", `http://127.0.0.1:${await freePort()}`);
    const operation = "GET /v1/balance";
    const before = {
      error: await stripeCount(operation, "network_error"),
      timed: await durationCount(operation),
    };
    await expect(closed.balance.retrieve()).rejects.toBeInstanceOf(
      closed.errors.StripeConnectionError,
    );
    expect(await stripeCount(operation, "network_error")).toBe(before.error + 1);
    await expect(closed.balance.retrieve()).rejects.toBeInstanceOf(
      closed.errors.StripeConnectionError,
    );
    expect(await stripeCount(operation, "network_error")).toBe(before.error + 2);
    expect(await durationCount(operation)).toBe(before.timed + 2);
  });

  it("counts a call whose connection timed out once, as timeout", async () => {
    const silent = await stripeAt(() => {
      // never answers
    });
    const operation = "GET /v1/customers";
    const before = await stripeCount(operation, "timeout");
    await expect(
      silent.customers.list({}, { timeout: 200, maxNetworkRetries: 0 }),
    ).rejects.toBeInstanceOf(silent.errors.StripeConnectionError);
    expect(await stripeCount(operation, "timeout")).toBe(before + 1);
    expect(await stripeCount(operation, "network_error")).toBe(0);
  });

  it("counts a call answered after a dropped attempt once, as ok, and nothing for the dropped attempt", async () => {
    let attempts = 0;
    const flaky = await stripeAt((request, response) => {
      attempts++;
      if (attempts === 1) {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { "Content-Type": "application/json", "Request-Id": "req_ok" });
      response.end(JSON.stringify({ id: "price_flaky", object: "price" }));
    });
    const operation = "GET /v1/prices/:id";
    const before = {
      ok: await stripeCount(operation, "ok"),
      error: await stripeCount(operation, "network_error"),
      timed: await durationCount(operation),
    };
    const price = await flaky.prices.retrieve("price_flaky");
    expect(price.id).toBe("price_flaky");
    expect(attempts).toBe(2);
    expect(await stripeCount(operation, "ok")).toBe(before.ok + 1);
    expect(await stripeCount(operation, "network_error")).toBe(before.error);
    expect(await durationCount(operation)).toBe(before.timed + 1);
  });

  it("counts a call whose response was cut mid-body once, from its response event", async () => {
    const cut = await stripeAt((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": "100" });
      response.write('{"id":"prod_cut",');
      setImmediate(() => response.socket?.destroy());
    });
    const operation = "GET /v1/products/:id";
    const before = await stripeCount(operation, "ok");
    await expect(cut.products.retrieve("prod_cut")).rejects.toBeInstanceOf(
      cut.errors.StripeConnectionError,
    );
    expect(await stripeCount(operation, "ok")).toBe(before + 1);
    expect(await stripeCount(operation, "network_error")).toBe(0);
  });

  it("refuses to instrument a client built without the counting HTTP client", () => {
    expect(() => instrumentStripe(new Stripe("sk_test_metrics"))).toThrow(/stripeHttpClient/);
  });
});

describe("route labels", () => {
  const routes = compileRoutes({
    root: { id: "root", path: "" },
    "routes/_index": { id: "routes/_index", parentId: "root", index: true },
    "routes/talents.$id": { id: "routes/talents.$id", parentId: "root", path: "talents/:id" },
    "routes/talents._index": {
      id: "routes/talents._index",
      parentId: "root",
      path: "talents",
      index: true,
    },
    "routes/dashboard.$role": {
      id: "routes/dashboard.$role",
      parentId: "root",
      path: "dashboard/:role",
    },
    "routes/dashboard.$role_.payment": {
      id: "routes/dashboard.$role_.payment",
      parentId: "root",
      path: "dashboard/:role/payment",
    },
    "routes/$": { id: "routes/$", parentId: "root", path: "*" },
  });
  it.each([
    ["/", "routes/_index"],
    ["/talents", "routes/talents._index"],
    ["/talents/123?x=1", "routes/talents.$id"],
    ["/dashboard/talent", "routes/dashboard.$role"],
    ["/dashboard/talent.data", "routes/dashboard.$role"],
    ["/_root.data", "routes/_index"],
    ["/dashboard/company/payment", "routes/dashboard.$role_.payment"],
    ["/no/such/page", "routes/$"],
    ["/assets/entry-abc.js", "static"],
    ["/favicon.svg", "static"],
  ])("%s is %s", (path, label) => {
    expect(routeLabel(routes, path)).toBe(label);
  });
});

describe("who may read /metrics", () => {
  const token = "t".repeat(40);
  const request = (address: string, authorization?: string) =>
    new Request("http://localhost:3000/metrics", {
      headers: {
        [CLIENT_ADDRESS_HEADER]: address,
        ...(authorization ? { Authorization: authorization } : {}),
      },
    });

  it("on local defaults: this machine's clients, nobody else", async () => {
    expect((await metricsLoader(args(fromLoopback("/metrics")))).status).toBe(200);
    expect((await metricsLoader(args(request("::1")))).status).toBe(200);
    const outside = await metricsLoader(args(request("203.0.113.7")));
    expect(outside.status).toBe(403);
    expect(await outside.text()).not.toContain("payments_total");
  });

  it("with a token (required off localhost): only with Authorization: Bearer <token>, from anywhere", () => {
    const config = { metricsToken: token };
    expect(metricsAccess(request("127.0.0.1"), config)).toBe("unauthorized");
    expect(metricsAccess(request("203.0.113.7"), config)).toBe("unauthorized");
    expect(metricsAccess(request("203.0.113.7", `Bearer ${token}x`), config)).toBe("unauthorized");
    expect(metricsAccess(request("203.0.113.7", `Basic ${token}`), config)).toBe("unauthorized");
    expect(metricsAccess(request("203.0.113.7", `Bearer ${token}`), config)).toBe("allowed");
  });
});

describe("health and readiness", () => {
  it("/healthz answers 200 without the database", async () => {
    const response = healthzLoader();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("/readyz: 200 when ready; 503 naming the database when it cannot answer, the migrations when one is missing", async () => {
    const ready = await readyzLoader();
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    // a PostgreSQL nobody listens for, and the database closed by a shutdown
    const unreachable = createDatabase("postgres://postgres@127.0.0.1:9/payments", {
      timeouts: SERVER_TIMEOUTS,
    });
    try {
      expect(await readiness(() => unreachable)).toEqual({ ready: false, failed: ["database"] });
    } finally {
      await unreachable.destroy();
    }
    const closed = () => {
      throw new Error("The database is closed: the server is shutting down");
    };
    expect(await readiness(closed)).toEqual({ ready: false, failed: ["database"] });

    const dir = makeTempDir();
    const behind = await createTestDatabase(dir);
    const database = createDatabase(behind.url);
    try {
      await migrateToLatest(database);
      await sql`delete from kysely_migration where name = (select max(name) from kysely_migration)`.execute(
        database,
      );
      expect(await readiness(() => database)).toEqual({ ready: false, failed: ["migrations"] });
    } finally {
      await database.destroy();
      await behind.drop();
    }
  });

  it("/readyz answers 503 from the moment the process is shutting down", async () => {
    markShuttingDown();
    const response = await readyzLoader();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", failed: ["shutting_down"] });
  });
});
