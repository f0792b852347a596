import { spawn, type ChildProcess } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startCheckout } from "../../app/payments/checkout.server";
import { buildIfNeeded } from "../../app/cli/build";
import { productionServerArgs } from "../../app/cli/server-command";
import type { User } from "../../db/schema";
import { TEST_APP_URL, TEST_WEBHOOK_SECRETS, testBackend } from "../support/app";
import { createUser, sessionCookieFor } from "../support/factories";
import { startPostmarkSink, type PostmarkSink } from "../support/postmark-sink";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";
import { freePort } from "../tools/postgres-cluster";

// Two production app servers (separate processes, `remix-serve` on the built app, as `npm
// start` runs it) on one PostgreSQL database. The stand-in delivers a burst of 300 paid
// checkouts' events, each three times and shuffled, through a round-robin forwarder that
// sends one delivery to one instance and the next to the other; meanwhile every payer's
// success page is loaded on the instances too. Every payment is fulfilled once, every email
// sent once, every event recorded once, and nothing answers 500.

const PAYMENTS = 300;
const root = process.cwd();

let app: TestAppWithStripe;
let sink: PostmarkSink;
let forwarder: Forwarder;
const servers: ChildProcess[] = [];
const instanceUrls: string[] = [];

interface Forwarder {
  url: string;
  statuses: number[];
  /** holds deliveries (the stand-in waits on the first) until release() */
  release(): void;
  close(): Promise<void>;
}

/** A tiny HTTP forwarder: request n goes to targets[n % targets.length], answered as that target answered. */
async function startForwarder(targets: () => string[]): Promise<Forwarder> {
  const statuses: number[] = [];
  let released!: () => void;
  const gate = new Promise<void>((resolve) => (released = resolve));
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void gate.then(() => {
        const list = targets();
        const target = new URL(req.url ?? "/", list[next++ % list.length]);
        const out = httpRequest(
          target,
          { method: req.method, headers: { ...req.headers, host: target.host } },
          (answer) => {
            const body: Buffer[] = [];
            answer.on("data", (c: Buffer) => body.push(c));
            answer.on("end", () => {
              statuses.push(answer.statusCode ?? 0);
              res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body));
            });
          },
        );
        out.on("error", () => {
          statuses.push(502);
          res.writeHead(502).end();
        });
        out.end(Buffer.concat(chunks));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    statuses,
    release: () => released(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One production server process on `port`, on this test's database, stand-in and Postmark sink. */
async function startInstance(port: number): Promise<string> {
  const child = spawn(process.execPath, productionServerArgs(root), {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")),
      ),
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      POSTMARK_SERVER_TOKEN: "server-token-test",
      POSTMARK_API_BASE: sink.url,
      DATABASE_POOL_SIZE: "5",
    },
  });
  servers.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`instance on ${port} exited:\n${output}`);
      const response = await fetch(`${url}/login`);
      expect(response.status).toBe(200);
    },
    { timeout: 60_000, interval: 200 },
  );
  child.on("exit", (code) => {
    if (code && code !== 0) console.error(`instance on ${port} exited with ${code}:\n${output}`);
  });
  return url;
}

async function inBatches<T, R>(
  items: T[],
  size: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(
      ...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))),
    );
  }
  return results;
}

const describeOnPostgres = testBackend === "postgres" ? describe : describe.skip;

describeOnPostgres("two app instances on one PostgreSQL database", () => {
  beforeAll(async () => {
    expect(buildIfNeeded(root)).toBe(0);
    sink = await startPostmarkSink();
    forwarder = await startForwarder(() => instanceUrls);
    app = await setupTestAppWithStripe({
      forwardTo: `${forwarder.url}/api/webhooks/stripe`,
      // The stand-in waits on a held delivery for as long as the burst takes to build up.
      delivery: {
        duplicates: 3,
        shuffle: true,
        retryBaseMs: 50,
        maxAttempts: 8,
        timeoutMs: 300_000,
      },
    });
    for (let i = 0; i < 2; i++) instanceUrls.push(await startInstance(await freePort()));
  }, 300_000);

  afterAll(async () => {
    for (const child of servers) child.kill("SIGTERM");
    await Promise.all(
      servers.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined,
      ),
    );
    await forwarder?.close();
    await sink?.close();
    await app?.close();
  });

  it("a burst of 300 payments x3 shuffled deliveries plus success pages: each fulfilled once, each email once, each event once, no 500s", async () => {
    expect(process.env.DATABASE_URL).toMatch(/^postgres/);
    expect(TEST_APP_URL).toBe(process.env.APP_URL);
    expect(process.env.STRIPE_WEBHOOK_SECRET).toBe(TEST_WEBHOOK_SECRETS.join(","));

    // 300 payers, each with a paid Checkout Session; their events pile up behind the forwarder.
    const users: User[] = [];
    for (let i = 0; i < PAYMENTS; i++)
      users.push(
        await createUser(app.db, {
          role: i % 2 === 0 ? "talent" : "professional",
          email: `payer-${i}@example.test`,
        }),
      );
    const sessions = await inBatches(users, 10, async (user) => {
      const result = await startCheckout(app.db, app.stripe, user, new Date());
      if (result.kind !== "redirect") throw new Error(`checkout for ${user.email}: ${result.kind}`);
      const paid = await payOnHostedPage(result.url, { email: user.email });
      expect(paid.status).toBe(303);
      const payment = await app.db
        .selectFrom("payments")
        .select("stripe_checkout_session_id")
        .where("id", "=", result.paymentId)
        .executeTakeFirstOrThrow();
      return payment.stripe_checkout_session_id!;
    });
    const cookies = await inBatches(users, 20, (user) => sessionCookieFor(app.db, user));

    // Release the burst, and load every payer's success page on the instances alternately at the same time.
    forwarder.release();
    const pageStatuses = await inBatches(users, 16, async (_user, i) => {
      const response = await fetch(
        `${instanceUrls[i % 2]}/payment/success?session_id=${sessions[i]}`,
        { headers: { Cookie: cookies[i]! } },
      );
      await response.arrayBuffer();
      return response.status;
    });
    await app.sim.idle();

    // Every payment fulfilled exactly once: paid, one access year, one confirmation in the outbox.
    const payments = await app.db
      .selectFrom("payments")
      .selectAll()
      .where(
        "user_id",
        "in",
        users.map((u) => u.id),
      )
      .execute();
    expect(payments).toHaveLength(PAYMENTS);
    expect(payments.filter((p) => p.status === "paid")).toHaveLength(PAYMENTS);
    const people = await app.db
      .selectFrom("users")
      .selectAll()
      .where(
        "id",
        "in",
        users.map((u) => u.id),
      )
      .execute();
    for (const person of people) {
      const payment = payments.find((p) => p.user_id === person.id)!;
      expect(person.subscription_status).toBe("ACTIVE");
      // Fulfilled twice would have added a second year.
      expect(person.access_expires_at).toBe(payment.access_ends_at);
      expect(
        Date.parse(payment.access_ends_at!) - Date.parse(payment.access_starts_at!),
      ).toBeLessThan(367 * 24 * 60 * 60 * 1000);
    }
    const outbox = await app.db.selectFrom("email_outbox").selectAll().execute();
    expect(outbox.filter((e) => e.dedupe_key.startsWith("payment-confirmation:"))).toHaveLength(
      PAYMENTS,
    );

    // Every email sent once, by one instance or the other.
    await vi.waitFor(
      async () => {
        const pending = await app.db
          .selectFrom("email_outbox")
          .select("id")
          .where("status", "!=", "sent")
          .execute();
        expect(pending).toEqual([]);
      },
      { timeout: 60_000, interval: 250 },
    );
    const recipients = sink.requests.map((r) => String(r.body.To));
    expect(recipients).toHaveLength(PAYMENTS);
    expect(new Set(recipients)).toEqual(new Set(users.map((u) => u.email)));

    // Every event recorded once and processed; every delivery and page answered without a 500.
    const events = await app.db.selectFrom("stripe_webhook_events").selectAll().execute();
    const completed = events.filter((e) => e.event_type === "checkout.session.completed");
    expect(completed).toHaveLength(PAYMENTS);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    expect(events.every((e) => e.processed === 1)).toBe(true);
    expect(forwarder.statuses.length).toBeGreaterThanOrEqual(PAYMENTS * 3);
    expect(forwarder.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(pageStatuses.filter((s) => s !== 200)).toEqual([]);
  }, 600_000);
});
