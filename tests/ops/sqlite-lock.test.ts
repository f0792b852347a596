import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestApp, testBackend, type TestApp } from "../support/app";
import { createUser, sessionCookieFor } from "../support/factories";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";
import {
  deliver,
  deliverUntilAccepted,
  expectEachProcessedOnce,
  inParallel,
  paidCheckoutEvents,
  type Delivery,
} from "../support/webhook-sender";

// Another process (a migration, `stripe:sync`, an operator's sqlite3 shell) holds SQLite's write
// lock with BEGIN IMMEDIATE for 15 s while a production server takes webhooks and pages. No
// request waits on the lock longer than a short bound: webhooks answer 5xx (Stripe retries),
// pages that write answer 503 with Retry-After, pages that only read still answer (WAL
// readers do not wait for the writer); after the lock is released every event is applied
// once (decision 0019).

const HOLD_MS = 15_000;
/** The server waits 250 ms on the lock, then fails writes at once for a second. */
const ANSWER_BOUND_MS = 3_000;

const describeOnSqlite = testBackend === "sqlite" ? describe : describe.skip;

let app: TestApp;
let server: ServerProcess;
let holder: ChildProcess | undefined;
let events: Awaited<ReturnType<typeof paidCheckoutEvents>>;
let cookie: string;

/** Another process holding the write lock for `ms`; resolves once it holds it. */
async function holdWriteLock(path: string, ms: number): Promise<ChildProcess> {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("busy_timeout = 10000");
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); process.stdout.write("released\\n"); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ["-e", script, path, String(ms)], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return child;
}

describeOnSqlite("SQLite's write lock held by another process", () => {
  beforeAll(async () => {
    await buildApp();
    app = await setupTestApp();
    // Written before the server starts: this process's writes would hold the lock the server
    // then meets, and it would fail its writes for a second before the test holds it.
    events = await paidCheckoutEvents(app.db, 20, "lock");
    const member = await createUser(app.db, { email: "lock-page@example.test" });
    cookie = await sessionCookieFor(app.db, member);
    server = await startServerProcess();
  }, 300_000);

  afterAll(async () => {
    holder?.kill();
    await server?.stop();
    await app?.close();
  }, 60_000);

  it("for 15 s: webhooks 5xx and writing pages 503 within the bound, reading pages still served, everything applied once after release", async () => {
    for (const event of events.slice(0, 3))
      expect((await deliver(server.url, event)).status).toBe(200);

    holder = await holdWriteLock(app.dbPath, HOLD_MS);
    const released = new Promise((resolve) => holder!.once("exit", resolve));
    const during: Delivery[] = [];
    await inParallel(events.slice(3, 13), 10, async (event) =>
      during.push(await deliver(server.url, event)),
    );
    const login = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: "someone@example.test", password: "not-the-password" }),
      signal: AbortSignal.timeout(30_000),
    });
    const started = performance.now();
    const dashboard = await fetch(`${server.url}/dashboard/talent`, {
      headers: { Cookie: cookie },
      signal: AbortSignal.timeout(30_000),
    });
    const dashboardMs = performance.now() - started;
    const stillHeld = holder.exitCode === null;

    expect(stillHeld).toBe(true);
    expect(during).toHaveLength(10);
    for (const answer of during) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    expect(login.status).toBe(503);
    expect(login.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(dashboard.status).toBe(200);
    expect(dashboardMs).toBeLessThan(ANSWER_BOUND_MS);

    await released;
    await inParallel(events, 5, (event) => deliverUntilAccepted(server.url, event));
    expect(server.child.exitCode).toBeNull();
    await expectEachProcessedOnce(app.db, events);
    // The failed attempts left no trace to clean up: waiting once, nothing recorded twice.
    const rows = await app.db
      .selectFrom("stripe_webhook_events")
      .select(["attempt_count", "error_message"])
      .where(
        "event_id",
        "in",
        events.map((e) => e.id),
      )
      .execute();
    expect(rows.every((r) => r.attempt_count === 1 && r.error_message === null)).toBe(true);
  }, 120_000);
});
