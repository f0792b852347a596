import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setupTestApp, type TestApp } from "../support/app";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";
import {
  deliver,
  deliverUntilAccepted,
  expectEachProcessedOnce,
  inParallel,
  paidCheckoutEvents,
  type Delivery,
} from "../support/webhook-sender";

// SIGTERM to a production server in the middle of a webhook burst: it exits 0 within 10 s,
// every delivery it answered 2xx is stored, the others were refused or cut (Stripe retries
// them); after a restart the retries apply each remaining event once (decision 0020).

const EXIT_BOUND_MS = 10_000;

let app: TestApp;
const servers: ServerProcess[] = [];

describe("graceful shutdown under a webhook burst", () => {
  beforeAll(async () => {
    await buildApp();
    app = await setupTestApp();
  }, 300_000);

  afterAll(async () => {
    for (const server of servers) await server.stop();
    await app?.close();
  }, 60_000);

  it("exits 0 within 10 s, keeps what it acknowledged, and the retries after a restart apply everything once", async () => {
    // The events' rows are written before the server starts: on SQLite, this process writing
    // while the server runs holds the write lock the server then meets, and the server answers
    // its webhooks 503 for a second by design (decision 0019), before any signal.
    const events = await paidCheckoutEvents(app.db, 100, "sigterm");
    const first = await startServerProcess();
    servers.push(first);
    const answers = new Map<string, Delivery>();
    let answered = 0;
    let signalledAt = 0;
    const burst = inParallel(events, 8, async (event) => {
      answers.set(event.id, await deliver(first.url, event));
      answered++;
    });
    await vi.waitFor(() => expect(answered).toBeGreaterThanOrEqual(12), {
      timeout: 60_000,
      interval: 5,
    });
    signalledAt = Date.now();
    first.child.kill("SIGTERM");
    const code = await first.exited;
    const exitMs = Date.now() - signalledAt;
    await burst;

    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(EXIT_BOUND_MS);
    expect(first.output()).toContain("Shut down");
    const accepted = events.filter((e) => answers.get(e.id)!.status === 200);
    const refused = events.filter((e) => answers.get(e.id)!.status !== 200);
    const statuses = events.map((e) => answers.get(e.id)!.status);
    expect(accepted.length, `${statuses.join(",")}\n${first.output()}`).toBeGreaterThanOrEqual(12);
    expect(refused.length).toBeGreaterThan(0);
    // every acknowledged event is stored, processed
    await expectEachProcessedOnce(app.db, accepted);
    // the others got an error status or no answer at all, never a 2xx
    for (const event of refused) {
      const status = answers.get(event.id)!.status;
      expect(status === 0 || status >= 500, `${event.id}: ${status}`).toBe(true);
    }

    const second = await startServerProcess();
    servers.push(second);
    await inParallel(events, 6, (event: Stripe.Event) => deliverUntilAccepted(second.url, event));
    await expectEachProcessedOnce(app.db, events);
  }, 180_000);
});
