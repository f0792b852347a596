import { remember } from "@epic-web/remember";
import client from "prom-client";
import Stripe from "stripe";
import type { DB } from "../../db/schema";
import { log } from "./log.server";

// What Prometheus scrapes from GET /metrics (decision 0020). Counters and histograms move where
// things happen; the gauges that need the database are read at scrape time with small indexed
// queries. One registry a process (remember: the dev server re-imports modules on changes).

export type WebhookOutcome = "processed" | "duplicate" | "ignored" | "failed" | "bad_signature";
export type PaymentOutcome = "paid" | "failed" | "expired" | "refunded";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    httpDuration: new client.Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP requests by route pattern, method and status, from the first byte in to the last byte out",
      labelNames: ["route", "method", "status"] as const,
      buckets: SECONDS,
      registers: [registry],
    }),
    webhookEvents: new client.Counter({
      name: "stripe_webhook_events_total",
      help: "Stripe webhook deliveries by event type and outcome",
      labelNames: ["type", "outcome"] as const,
      registers: [registry],
    }),
    webhookSeconds: new client.Histogram({
      name: "stripe_webhook_processing_seconds",
      help: "Time to verify and process one webhook delivery",
      labelNames: ["outcome"] as const,
      buckets: SECONDS,
      registers: [registry],
    }),
    stripeRequests: new client.Counter({
      name: "stripe_api_requests_total",
      help: "Calls to the Stripe API by operation and outcome (ok, client_error, rate_limited, server_error; network_error, timeout: no response)",
      labelNames: ["operation", "outcome"] as const,
      registers: [registry],
    }),
    stripeSeconds: new client.Histogram({
      name: "stripe_api_request_duration_seconds",
      help: "Latency of Stripe API calls by operation",
      labelNames: ["operation"] as const,
      buckets: SECONDS,
      registers: [registry],
    }),
    emailsSent: new client.Counter({
      name: "emails_sent_total",
      help: "Emails handed to the provider, by template",
      labelNames: ["template"] as const,
      registers: [registry],
    }),
    emailsFailed: new client.Counter({
      name: "emails_failed_total",
      help: "Failed send attempts by template (final: the email will not be retried)",
      labelNames: ["template", "final"] as const,
      registers: [registry],
    }),
    payments: new client.Counter({
      name: "payments_total",
      help: "One-time payments settled, by role, plan and outcome (paid, failed, expired, refunded)",
      labelNames: ["role", "plan", "outcome"] as const,
      registers: [registry],
    }),
    outboxPending: new client.Gauge({
      name: "email_outbox_pending",
      help: "Emails waiting to be sent",
      registers: [registry],
    }),
    outboxOldest: new client.Gauge({
      name: "email_outbox_oldest_pending_seconds",
      help: "Age of the oldest email waiting to be sent (0 when none waits)",
      registers: [registry],
    }),
    subscriptions: new client.Gauge({
      name: "subscriptions",
      help: "Stripe subscriptions by status, as last synced",
      labelNames: ["status"] as const,
      registers: [registry],
    }),
    disputesOpen: new client.Gauge({
      name: "disputes_open",
      help: "Disputes not closed yet (each needs an answer before Stripe's deadline)",
      registers: [registry],
    }),
    scrapeErrors: new client.Counter({
      name: "metrics_scrape_errors_total",
      help: "Scrapes whose database gauges could not be read (the gauges keep their last values)",
      registers: [registry],
    }),
  };
  for (const outcome of ["processed", "duplicate", "ignored", "failed", "bad_signature"]) {
    metrics.webhookSeconds.labels(outcome);
  }
  return metrics;
}

export const metrics = remember("metrics", createMetrics);

export function countWebhook(type: string, outcome: WebhookOutcome, seconds: number): void {
  metrics.webhookEvents.inc({ type, outcome });
  metrics.webhookSeconds.observe({ outcome }, seconds);
}

const ROLES = new Set(["talent", "professional", "company"]);

/** A payment changed to `outcome`; its plan id (talent_annual ...) names the role. */
export function countPayment(plan: string, outcome: PaymentOutcome): void {
  const role = plan.split("_")[0] ?? "";
  metrics.payments.inc({ role: ROLES.has(role) ? role : "other", plan, outcome });
}

export function countEmail(template: string | null, sent: boolean, final = false): void {
  const name = template ?? "prerendered";
  if (sent) metrics.emailsSent.inc({ template: name });
  else metrics.emailsFailed.inc({ template: name, final: final ? "true" : "false" });
}

/** Stripe ids in a path (cus_..., in_..., sub_...) become :id, so a label names an operation. */
export function stripeOperation(method: string, path: string): string {
  const bare = path.split("?")[0] ?? "";
  return `${method.toUpperCase()} ${bare.replace(/\/[a-z]+_[A-Za-z0-9_]+/g, "/:id")}`;
}

function stripeOutcome(status: number): string {
  if (status < 400) return "ok";
  if (status === 429) return "rate_limited";
  return status < 500 ? "client_error" : "server_error";
}

/** What the SDK's "response" event carries (stripe-node's ResponseEvent). */
interface StripeResponseEvent {
  method: string;
  path: string;
  status: number;
  request_id: string;
  /** milliseconds */
  elapsed: number;
}

/**
 * The raw errors of HTTP attempts to Stripe that got no response (refused, reset, timed out),
 * each with how long the attempt took (ms). The SDK wraps the last one of a call into the
 * StripeConnectionError it rejects with (as `detail`); a failure reading the body of a response
 * that did arrive is another error, and that call had its "response" event.
 */
const unanswered = new WeakMap<object, number>();
type HttpClient = ReturnType<typeof Stripe.createNodeHttpClient>;
const countingClients = new WeakSet<object>();

/**
 * The HTTP client for a Stripe client that `instrumentStripe` will count: stripe-node's own
 * Node client, noting each attempt that ends without a response.
 */
export function stripeHttpClient(): HttpClient {
  const inner = Stripe.createNodeHttpClient();
  const client: HttpClient = {
    getClientName: () => inner.getClientName(),
    makeRequest: (...args: Parameters<HttpClient["makeRequest"]>) => {
      const started = performance.now();
      return inner.makeRequest(...args).catch((error: unknown) => {
        if (typeof error === "object" && error !== null)
          unanswered.set(error, performance.now() - started);
        throw error;
      });
    },
  };
  countingClients.add(client);
  return client;
}

type RequestCallback = Parameters<Stripe["_requestSender"]["_request"]>[7];

const instrumented = new WeakSet<Stripe>();

/**
 * Counts and times every call the client makes, once a call whatever its retries, and logs the
 * failed ones with the request id Stripe returns (what Stripe's support asks for). A call with a
 * response is counted from the SDK's "response" event (emitted once, for its last attempt). A
 * call whose last attempt got no response has no such event: it is counted where the SDK hands
 * the call its result (the request sender, the one path every call takes), as `timeout` or
 * `network_error`, timed by its last attempt like the others. `stripe` must have been built with
 * `stripeHttpClient()`.
 */
export function instrumentStripe(stripe: Stripe): Stripe {
  if (instrumented.has(stripe)) return stripe;
  if (!countingClients.has(stripe.getApiField("httpClient") as object))
    throw new Error("instrumentStripe needs a Stripe client built with stripeHttpClient()");
  instrumented.add(stripe);
  stripe.on("response", (event: StripeResponseEvent) => {
    const operation = stripeOperation(event.method, event.path);
    metrics.stripeRequests.inc({ operation, outcome: stripeOutcome(event.status) });
    metrics.stripeSeconds.observe({ operation }, event.elapsed / 1000);
    if (event.status >= 400) {
      log.warn(
        { stripeRequestId: event.request_id, operation, status: event.status, ms: event.elapsed },
        "Stripe API call failed",
      );
    }
  });
  const sender = stripe._requestSender;
  const send = sender._request.bind(sender);
  sender._request = (method, host, path, data, auth, options, usage, callback, processor) => {
    const counted: RequestCallback = (error, response) => {
      if (error instanceof Stripe.errors.StripeConnectionError)
        countUnanswered(method, path, error);
      callback(error, response);
    };
    send(method, host, path, data, auth, options, usage, counted, processor);
  };
  return stripe;
}

function countUnanswered(
  method: string,
  path: string,
  error: InstanceType<typeof Stripe.errors.StripeConnectionError>,
): void {
  const cause: unknown = error.detail;
  const ms = typeof cause === "object" && cause !== null ? unanswered.get(cause) : undefined;
  if (ms === undefined) return; // the response arrived (its event counted the call)
  const code = (cause as { code?: unknown }).code;
  const outcome = code === Stripe.HttpClient.TIMEOUT_ERROR_CODE ? "timeout" : "network_error";
  const operation = stripeOperation(method, path);
  metrics.stripeRequests.inc({ operation, outcome });
  metrics.stripeSeconds.observe({ operation }, ms / 1000);
  log.warn(
    { operation, outcome, code: typeof code === "string" ? code : undefined, ms: Math.round(ms) },
    "Stripe API call got no response",
  );
}

/** The most pending emails counted exactly; beyond it the gauge says this many (a scrape stays cheap). */
export const PENDING_COUNT_CAP = 100_000;

/** Reads the database gauges; called by GET /metrics before it renders. */
export async function readDatabaseGauges(db: DB, now: Date = new Date()): Promise<void> {
  try {
    const [pending, oldest, subscriptions, disputes] = await Promise.all([
      db
        .selectFrom((eb) =>
          eb
            .selectFrom("email_outbox")
            .select("id")
            .where("status", "=", "pending")
            .limit(PENDING_COUNT_CAP)
            .as("p"),
        )
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom("email_outbox")
        .select("created_at")
        .where("status", "=", "pending")
        .orderBy("created_at")
        .limit(1)
        .executeTakeFirst(),
      db
        .selectFrom("subscriptions")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy("status")
        .execute(),
      db
        .selectFrom("disputes")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("closed_at", "is", null)
        .executeTakeFirstOrThrow(),
    ]);
    metrics.disputesOpen.set(Number(disputes.n));
    metrics.outboxPending.set(Number(pending.n));
    metrics.outboxOldest.set(
      oldest ? Math.max(0, (now.getTime() - Date.parse(oldest.created_at)) / 1000) : 0,
    );
    metrics.subscriptions.reset();
    for (const row of subscriptions)
      metrics.subscriptions.set({ status: row.status }, Number(row.n));
  } catch (error) {
    metrics.scrapeErrors.inc();
    log.warn({ err: error }, "Reading the metrics' database gauges failed");
  }
}
