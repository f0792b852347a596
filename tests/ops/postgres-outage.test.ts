import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setupTestApp, testBackend, type TestApp } from "../support/app";
import { createUser, sessionCookieFor } from "../support/factories";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";
import { startTcpRelay, type TcpRelay } from "../support/tcp-relay";
import { postgresBinDir, startCluster, type Cluster } from "../tools/postgres-cluster";
import {
  deliver,
  deliverUntilAccepted,
  expectEachProcessedOnce,
  inParallel,
  paidCheckoutEvents,
  type Delivery,
} from "../support/webhook-sender";

// A production server on a throwaway PostgreSQL cluster of this test's own (never the shared
// one), reached through a TCP relay. The database is frozen (the relay stops moving bytes, as a
// partition or a hung server does) and then stopped and started again (a restart, a failover),
// under webhook deliveries that are retried like Stripe's. The process stays up, answers 5xx
// within its bound while the database cannot be used, recovers by itself, and every event is
// applied exactly once (decision 0019).

/** The server's own bounds are 3 s to connect and 6 s per query; an answer must come well before Stripe gives up. */
const ANSWER_BOUND_MS = 10_000;

const binDir = postgresBinDir();
const describeOnPostgres = testBackend === "postgres" && binDir ? describe : describe.skip;

let cluster: Cluster;
let relay: TcpRelay;
let app: TestApp;
let server: ServerProcess;

describeOnPostgres("PostgreSQL frozen, then stopped, under webhooks", () => {
  beforeAll(async () => {
    await buildApp();
    cluster = await startCluster(binDir!);
    process.env.TEST_DATABASE_URL = cluster.url;
    app = await setupTestApp();
    relay = await startTcpRelay(cluster.port);
    const viaRelay = new URL(app.dbPath);
    viaRelay.port = String(relay.port);
    server = await startServerProcess({
      DATABASE_URL: viaRelay.toString(),
      DATABASE_POOL_SIZE: "4",
    });
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await relay?.close();
    await app?.close().catch(() => undefined);
    cluster?.stop();
  }, 60_000);

  it("frozen: webhooks and pages answer 5xx within the bound, the app recovers by itself once the path reopens, nothing is lost or doubled", async () => {
    const events = await paidCheckoutEvents(app.db, 24, "freeze");
    const member = await createUser(app.db, { email: "freeze-page@example.test" });
    const cookie = await sessionCookieFor(app.db, member);
    // warm: the pool holds live connections when the path freezes
    for (const event of events.slice(0, 4))
      expect((await deliver(server.url, event)).status).toBe(200);

    relay.freeze();
    const during: Delivery[] = [];
    await inParallel(events.slice(4, 12), 8, async (event) =>
      during.push(await deliver(server.url, event)),
    );
    const page = await fetch(`${server.url}/dashboard/talent`, {
      headers: { Cookie: cookie },
      signal: AbortSignal.timeout(30_000),
    });
    const ready = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(30_000) });
    relay.thaw();

    for (const answer of during) {
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await page.text()).toContain("Back in a moment");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", failed: ["database"] });

    // Recovery by itself: a fresh delivery is accepted again within seconds.
    await vi.waitFor(
      async () => expect((await deliver(server.url, events[12]!)).status).toBe(200),
      { timeout: 20_000, interval: 250 },
    );
    await inParallel(events, 6, (event) => deliverUntilAccepted(server.url, event));
    expect(server.child.exitCode).toBeNull();
    await expectEachProcessedOnce(app.db, events);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  }, 180_000);

  it("stopped and started again during a burst: the process stays up and every event is applied once", async () => {
    const events = await paidCheckoutEvents(app.db, 40, "restart");
    const answers: Delivery[] = [];
    let accepted = 0;
    let sent = 0;
    // The second half of the burst is held until the database is down, so some deliveries meet
    // it stopped however fast the first half went through.
    let databaseDown!: () => void;
    const stopped = new Promise<void>((resolve) => (databaseDown = resolve));
    const burst = inParallel(events, 8, async (event) => {
      if (sent++ >= events.length / 2) await stopped;
      await deliverUntilAccepted(server.url, event, answers);
      accepted++;
    });
    await vi.waitFor(() => expect(accepted).toBeGreaterThanOrEqual(8), {
      timeout: 60_000,
      interval: 20,
    });
    cluster.stopServer();
    await vi.waitFor(async () => expect((await fetch(`${server.url}/readyz`)).status).toBe(503), {
      timeout: 20_000,
      interval: 100,
    });
    databaseDown();
    await vi.waitFor(() => expect(answers.some((a) => a.status >= 500)).toBe(true), {
      timeout: 20_000,
      interval: 20,
    });
    expect(server.child.exitCode).toBeNull();
    cluster.startServer();
    await burst;

    expect(server.child.exitCode).toBeNull();
    // some deliveries met the stopped database and were refused, not lost
    expect(answers.some((a) => a.status >= 500)).toBe(true);
    expect(answers.every((a) => a.status === 200 || a.status >= 500)).toBe(true);
    await expectEachProcessedOnce(app.db, events);
    await vi.waitFor(async () => expect((await fetch(`${server.url}/readyz`)).status).toBe(200), {
      timeout: 20_000,
      interval: 250,
    });
    expect(server.output()).not.toMatch(/uncaught|unhandled/i);
  }, 180_000);
});
