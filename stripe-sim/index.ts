import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimContext } from "./api/context.js";
import { SimClock } from "./clock.js";
import { runBilling } from "./domain/billing-clock.js";
import { sweepExpiredSessions } from "./domain/checkout.js";
import { openDueDisputes } from "./domain/disputes.js";
import { settleDueDebits } from "./domain/sepa-debit.js";
import { EventRecorder } from "./domain/events.js";
import { handleApi } from "./http/api.js";
import { boundHostName, hostAllowed } from "./http/host.js";
import { errorEnvelope } from "./http/errors.js";
import { sendJson } from "./http/respond.js";
import {
  DEFAULT_HOST,
  DEFAULT_KNOBS,
  DEFAULT_MERCHANT_NAME,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_SECRET,
  mergeKnobs,
} from "./options.js";
import type { DeliveryKnobs, StripeSimOptions } from "./options.js";
import { BillingNotes } from "./store/billing-notes.js";
import { openDatabase } from "./store/database.js";
import { EndpointSecrets } from "./store/endpoint-secrets.js";
import { IdempotencyStore } from "./store/idempotency.js";
import { LineItemStore } from "./store/line-items.js";
import { ObjectStore } from "./store/objects.js";
import { SessionSettingsStore } from "./store/session-settings.js";
import type { SimControls } from "./web/controls.js";
import { handleWeb } from "./web/routes.js";
import { DeliveryQueue } from "./webhooks/queue.js";
import { WebhookTargets } from "./webhooks/targets.js";
import { DeliveryWorker } from "./webhooks/worker.js";

export type { DeliveryKnobs, StripeSimOptions } from "./options.js";

export interface StripeSim {
  url: string;
  port: number;
  setKnobs(k: Partial<DeliveryKnobs>): void;
  /** Resolves when no delivery is pending or in flight. */
  idle(): Promise<void>;
  /**
   * Makes API requests matching `method` and `path` answer `status` (default 500, an
   * api_error) until the returned function is called: Stripe down for that call, for tests.
   */
  failRequests(rule: FailureRule): () => void;
  close(): Promise<void>;
}

/** A fault a test injects: matching API requests answer an error instead of being served. */
export interface FailureRule {
  /** HTTP method (default: any) */
  method?: string;
  /** matched against the request's path, such as /v1/checkout/sessions/cs_x/expire */
  path: RegExp;
  /** default 500 */
  status?: number;
}

const SWEEP_INTERVAL_MS = 1000;

/** Starts the stand-in: an HTTP server speaking Stripe's API, hosted checkout and dashboard. */
export async function startStripeSim(options: StripeSimOptions): Promise<StripeSim> {
  const db = openDatabase(options.dbPath);
  const store = new ObjectStore(db);
  const endpointSecrets = new EndpointSecrets(db);
  const idempotency = new IdempotencyStore(db);
  const clock = new SimClock();
  const log = options.log ?? (() => undefined);
  let knobs = mergeKnobs(DEFAULT_KNOBS, options.delivery ?? {});
  const forwardTo = options.forwardTo ?? null;
  const forward = forwardTo
    ? { url: forwardTo, secret: options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET }
    : null;
  const targets = new WebhookTargets(store, endpointSecrets, forward);
  const queue = new DeliveryQueue(db, targets, () => knobs);
  const worker = new DeliveryWorker(db, store, queue, targets, () => knobs, log);
  let baseUrl = "";
  const ctx: SimContext = {
    db,
    store,
    lineItems: new LineItemStore(db),
    sessionSettings: new SessionSettingsStore(db),
    endpointSecrets,
    clock,
    events: new EventRecorder(store, clock, queue),
    billingNotes: new BillingNotes(db),
    afterFailedRetries: options.subscriptionAfterFailedRetries ?? "cancel",
    merchantName: options.merchantName ?? DEFAULT_MERCHANT_NAME,
    baseUrl: () => baseUrl,
    wakeDeliveries: () => worker.wake(),
    log,
  };
  const controls: SimControls = {
    getKnobs: () => knobs,
    setKnobs: (patch: Partial<DeliveryKnobs>) => {
      knobs = mergeKnobs(knobs, patch);
      worker.wake();
    },
    redeliver: (eventId: string) => {
      const event = store.get("events", eventId);
      if (!event) return false;
      db.transaction(() => queue.enqueue(event.id, targets.matching(event.type), 1))();
      return true;
    },
    queue,
    forwardUrl: forwardTo,
  };

  // Disputes of test cards open, and SEPA debits due now settle, after the request that paid
  // the charge, as Stripe's come later.
  const afterPayments = (): number => {
    try {
      return db.transaction(() => openDueDisputes(ctx) + settleDueDebits(ctx))();
    } catch (error) {
      log(`stripe-sim: opening disputes or settling debits failed: ${String(error)}`);
      return 0;
    }
  };

  const failures = new Set<FailureRule>();
  const injectedFailure = (req: IncomingMessage, path: string): FailureRule | undefined =>
    [...failures].find(
      (rule) =>
        (rule.method === undefined || rule.method.toUpperCase() === req.method) &&
        rule.path.test(path),
    );

  const boundName = boundHostName(options.host ?? DEFAULT_HOST);
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req.headers.host, boundName)) {
      sendJson(
        res,
        421,
        errorEnvelope({
          type: "invalid_request_error",
          message:
            "stripe-sim answers only requests addressed to localhost, 127.0.0.1 or [::1] (Host header).",
        }),
      );
      return;
    }
    // Parse only the path: a request line such as `GET //x` is not a valid relative URL.
    const url = new URL(`http://stripe-sim.local${(req.url ?? "/").replace(/^\/+/, "/")}`);
    const failure = injectedFailure(req, url.pathname);
    if (failure) {
      const status = failure.status ?? 500;
      sendJson(
        res,
        status,
        errorEnvelope({
          type: status >= 500 ? "api_error" : "invalid_request_error",
          message: `stripe-sim: injected failure (${status}) for ${req.method} ${url.pathname}`,
        }),
      );
      return;
    }
    if (url.pathname === "/v1" || url.pathname.startsWith("/v1/"))
      await handleApi(ctx, idempotency, req, res, url);
    else await handleWeb(ctx, controls, req, res, url);
  };
  const server = createServer((req, res) => {
    route(req, res)
      .catch((error: unknown) => {
        // Last line of defence: a bug answers 500 and the process keeps serving.
        const message = error instanceof Error ? error.message : String(error);
        sendJson(
          res,
          500,
          errorEnvelope({ type: "api_error", message: `stripe-sim internal error: ${message}` }),
          {
            "Stripe-Should-Retry": "false",
          },
        );
      })
      .finally(() => {
        afterPayments();
        worker.wake();
      });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // Port taken or host invalid: release the database so a retry can open it again.
    worker.close();
    db.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? DEFAULT_HOST;
  const urlHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;

  const sweep = () => {
    try {
      if (db.transaction(() => sweepExpiredSessions(ctx))() > 0) worker.wake();
      // Subscriptions without a test clock renew on the stand-in's own clock.
      if (db.transaction(() => runBilling(ctx, null, clock.nowSeconds(), () => undefined))() > 0)
        worker.wake();
      if (afterPayments() > 0) worker.wake();
      idempotency.purgeExpired(clock.nowSeconds() * 1000);
    } catch (error) {
      log(`stripe-sim: expiry sweep failed: ${String(error)}`);
    }
  };
  sweep();
  const sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweepTimer.unref();
  // Deliveries left pending by a previous run resume now.
  worker.wake();

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    setKnobs: controls.setKnobs,
    idle: () => worker.idle(),
    failRequests: (rule) => {
      const own = { ...rule };
      failures.add(own);
      return () => failures.delete(own);
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(sweepTimer);
        worker.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        db.close();
      })();
      return closing;
    },
  };
}
