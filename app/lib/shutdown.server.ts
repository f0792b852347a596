import { subscribe } from "node:diagnostics_channel";
import type { ServerResponse } from "node:http";
import { remember } from "@epic-web/remember";
import { log } from "../observability/log.server";
import { closeDatabase } from "./db.server";
import { isShuttingDown, markShuttingDown } from "./lifecycle.server";
import { errorNameAndMessage } from "./errors";

// Graceful shutdown of the server process (decision 0020). On SIGTERM (or SIGINT):
// 1. /readyz answers 503 at once, so a load balancer stops sending new requests;
// 2. @remix-run/serve closes its HTTP server on the same signal (node_modules/@remix-run/serve:
//    `server.close()`): no new connections, idle keep-alive connections closed;
// 3. the requests in flight (a webhook's transaction among them) finish: they are counted at
//    the HTTP layer, and shutdown waits until none is left;
// 4. every background loop stops, waiting for its pass in progress;
// 5. the database is closed (the Postgres pool drained);
// 6. the process exits 0. If any step hangs, it exits 1 at FORCE_EXIT_MS: within 10 s in all.

/** The most the whole shutdown may take before the process exits anyway. */
export const FORCE_EXIT_MS = 9_000;
/** Requests still running after this are cut short by closing the database under them. */
const DRAIN_REQUESTS_MS = 7_000;

const state = remember("shutdown", () => ({ installed: false, inFlight: 0 }));

function countRequestsInFlight(): void {
  subscribe("http.server.request.start", (message) => {
    const { response } = message as { response: ServerResponse };
    state.inFlight++;
    // a request on a kept-alive connection after the signal is the connection's last
    if (isShuttingDown()) response.setHeader("Connection", "close");
    // "close" comes once per response: sent in full or cut by the client.
    response.once("close", () => state.inFlight--);
  });
}

async function requestsDrained(limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (state.inFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return state.inFlight === 0;
}

/** Once a process: shut down gracefully on SIGTERM and SIGINT; `stopBackground` stops every loop. */
export function installGracefulShutdown(stopBackground: () => Promise<void>): void {
  if (state.installed) return;
  state.installed = true;
  countRequestsInFlight();
  let started = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    markShuttingDown();
    const begun = Date.now();
    log.info({ signal, inFlight: state.inFlight }, "Shutting down: finishing requests in flight");
    const force = setTimeout(() => {
      log.error({ inFlight: state.inFlight }, "Shutdown took too long; exiting anyway");
      process.exit(1);
    }, FORCE_EXIT_MS);
    force.unref();
    void (async () => {
      const drained = await requestsDrained(DRAIN_REQUESTS_MS);
      if (!drained)
        log.warn({ inFlight: state.inFlight }, "Requests still running; closing anyway");
      await stopBackground().catch((error: unknown) =>
        log.error({ error: errorNameAndMessage(error) }, "Stopping the background loops failed"),
      );
      await closeDatabase().catch((error: unknown) =>
        log.error({ error: errorNameAndMessage(error) }, "Closing the database failed"),
      );
      log.info({ ms: Date.now() - begun }, "Shut down");
      process.exit(0);
    })();
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
