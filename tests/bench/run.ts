import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";
import { productionServerArgs } from "../../app/cli/server-command";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { startStripeSim, type StripeSim } from "../../stripe-sim/index";
import {
  BENCH_WEBHOOK_SECRET as SECRET,
  eventOf,
  sign,
  unknownSessionEvents,
  type Signed,
} from "./events";
import { fillDatabase, LARGE } from "./fill";
import { benchPostgresIntake, formatIntake } from "./postgres";
import { cpuMs, peakRssMb } from "./proc";

// `npm run bench`: builds for production, then for each database size (empty, and filled to
// 100k users / 1M payments / 1M events / 300k outbox rows) starts the server on embedded
// defaults and prints figures. Nothing here asserts: people compare them with the targets.
// Server CPU per request comes from /proc/<pid>/stat (user + system time), which stays steady
// on a shared machine where requests/s and latency do not.

const WEBHOOK_CONNECTIONS = 25;
const PAGE_CONNECTIONS = 10;
const UNKNOWN_EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const FULFIL_EVENTS = Number(process.env.BENCH_FULFIL ?? 3000);
const PAGE_SECONDS = Number(process.env.BENCH_PAGE_SECONDS ?? 10);
// Each page's seconds are split into rounds, taken in turn across the pages, after a warm-up;
// the median round is printed, so a passing burst of work elsewhere on the machine moves it less.
const PAGE_ROUNDS = Math.max(1, Number(process.env.BENCH_PAGE_ROUNDS ?? 5));
// Ports are configurable so several people can bench on one machine.
const APP_PORT = Number(process.env.BENCH_APP_PORT ?? 3400);
const BASELINE_PORT = Number(process.env.BENCH_BASELINE_PORT ?? 3401);
const SIM_PORT = Number(process.env.BENCH_SIM_PORT ?? 12411);
// The server without instrumentation (request ids, durations, info logs) whose CPU is compared.
const UNINSTRUMENTED_PORT = Number(process.env.BENCH_UNINSTRUMENTED_PORT ?? APP_PORT + 4);
const SIZES = (process.env.BENCH_SIZES ?? "empty,large").split(",").map((s) => s.trim()) as (
  "empty" | "large"
)[];
const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), "ta-bench-"));
const children: ChildProcess[] = [];

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => process.stderr.write(c));
    if (process.env.BENCH_TRACE_GC)
      child.stdout?.on("data", (c: Buffer) => process.stderr.write(c));
    child.on("exit", (code) =>
      reject(new Error(`process exited (${code}) before ready:\n${seen}`)),
    );
  });
}

interface PendingPayment {
  userId: number;
  paymentId: number;
  sessionId: string;
}

/** Users with a pending payment each, as the checkout action leaves them, written straight to the file. */
function seedPendingPayments(databaseUrl: string, count: number, tag: string): PendingPayment[] {
  const sqlite = new SQLite(databaseUrl);
  const now = new Date().toISOString();
  const insertUser = sqlite.prepare(
    "insert into users (email, name, role, password_hash, subscription_status, updated_at) values (?, ?, 'talent', 'scrypt$bench', 'NONE', ?) returning id",
  );
  const insertPayment = sqlite.prepare(
    `insert into payments (user_id, plan, amount, currency, status, idempotency_key, stripe_checkout_session_id, checkout_url, checkout_expires_at, created_at, updated_at)
     values (?, 'talent_annual_membership', 30000, 'mad', 'pending', ?, ?, ?, ?, ?, ?) returning id`,
  );
  const seeded: PendingPayment[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { id: userId } = insertUser.get(
        `bench-${tag}-${i}@example.test`,
        `Bench Payer ${i}`,
        now,
      ) as { id: number };
      const sessionId = `cs_test_bench_${tag}_${i}`;
      const expires = new Date(Date.now() + 3_600_000).toISOString();
      const { id: paymentId } = insertPayment.get(
        userId,
        `bench-${tag}-${i}`,
        sessionId,
        `https://checkout.stripe.com/c/pay/${sessionId}`,
        expires,
        now,
        now,
      ) as { id: number };
      seeded.push({ userId, paymentId, sessionId });
    }
  })();
  sqlite.close();
  return seeded;
}

function fulfilmentEvents(payments: PendingPayment[]): Signed[] {
  return payments.map((p, i) =>
    sign(
      eventOf(`pay_${p.paymentId}_${i}`, {
        id: p.sessionId,
        customer: `cus_bench_${p.userId}`,
        client_reference_id: String(p.userId),
        metadata: {
          user_id: String(p.userId),
          payment_id: String(p.paymentId),
          plan: "talent_annual_membership",
        },
        payment_intent: `pi_bench_${p.paymentId}`,
      }),
    ),
  );
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  cpuMsPerRequest: number;
}

async function webhookLoad(port: number, pid: number, events: Signed[]): Promise<Figures> {
  let next = 0;
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  // autocannon notices the end of an `amount` run on its one-second tick: time the last answer.
  let finished = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
        connections: WEBHOOK_CONNECTIONS,
        amount: events.length,
        requests: [
          {
            method: "POST",
            setupRequest: (request) => {
              const event = events[next++ % events.length]!;
              return {
                ...request,
                body: event.body,
                headers: {
                  "content-type": "application/json",
                  "stripe-signature": event.signature,
                },
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    run.on("response", () => {
      finished = performance.now();
    });
  });
  const cpu = cpuMs(pid) - cpuBefore;
  const seconds = (finished - started) / 1000;
  const ok = result["2xx"];
  return {
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    non2xx: result.non2xx,
    cpuMsPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

async function pageLoad(
  url: string,
  pid: number,
  seconds: number,
  cookie?: string,
): Promise<Figures> {
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url,
    connections: PAGE_CONNECTIONS,
    duration: seconds,
    headers: cookie ? { cookie } : {},
  });
  const cpu = cpuMs(pid) - cpuBefore;
  return {
    perSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    cpuMsPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

interface Page {
  url: string;
  /** the server answering it, whose CPU time is read */
  pid: number;
  cookie?: string;
}

/** Each page's median round (by CPU per request), rounds taken in turn across the pages after a warm-up. */
async function pageRounds(pages: Page[]): Promise<Figures[]> {
  for (const page of pages) await pageLoad(page.url, page.pid, 2, page.cookie);
  const rounds: Figures[][] = pages.map(() => []);
  for (let round = 0; round < PAGE_ROUNDS; round++) {
    for (const [i, page] of pages.entries())
      rounds[i]!.push(await pageLoad(page.url, page.pid, PAGE_SECONDS / PAGE_ROUNDS, page.cookie));
  }
  return rounds.map(
    (figures) =>
      figures.sort((a, b) => a.cpuMsPerRequest - b.cpuMsPerRequest)[
        Math.floor(figures.length / 2)
      ]!,
  );
}

function line(label: string, f: Figures, unit: string, target = ""): string {
  return `${label.padEnd(34)} ${f.cpuMsPerRequest.toFixed(2).padStart(6)} ms CPU/${unit}  ${String(Math.round(f.perSecond)).padStart(5)} ${unit}s/s  p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  (${f.ok} ok, ${f.non2xx} non-2xx)${target ? `  ${target}` : ""}`;
}

async function signIn(baseUrl: string): Promise<{ cookie: string; email: string }> {
  const email = `bench-${Date.now()}@example.test`;
  const form = new URLSearchParams({
    name: "Bench Talent",
    email,
    password: "bench password 123",
    role: "talent",
  });
  const response = await fetch(`${baseUrl}/register`, {
    method: "POST",
    body: form,
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 303 || !cookie) throw new Error(`register answered ${response.status}`);
  return { cookie, email };
}

/** Gives the signed-in user a paid payment (and the access it bought) for the success page. */
function seedPaidPayment(databaseUrl: string, email: string): string {
  const sqlite = new SQLite(databaseUrl);
  sqlite.pragma("busy_timeout = 5000");
  const now = new Date();
  const ends = new Date(now);
  ends.setUTCFullYear(ends.getUTCFullYear() + 1);
  const sessionId = `cs_test_bench_paid_${randomBytes(6).toString("hex")}`;
  const { id } = sqlite.prepare("select id from users where email = ?").get(email) as {
    id: number;
  };
  sqlite
    .prepare(
      `insert into payments (user_id, plan, amount, currency, status, idempotency_key, stripe_checkout_session_id, stripe_payment_intent_id,
        access_starts_at, access_ends_at, paid_at, created_at, updated_at) values (?, 'talent_annual_membership', 30000, 'mad', 'paid', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      `bench-paid-${sessionId}`,
      sessionId,
      "pi_bench_paid",
      now.toISOString(),
      ends.toISOString(),
      now.toISOString(),
      now.toISOString(),
      now.toISOString(),
    );
  sqlite
    .prepare("update users set subscription_status = 'ACTIVE', access_expires_at = ? where id = ?")
    .run(ends.toISOString(), id);
  sqlite.close();
  return sessionId;
}

function count(databaseUrl: string, query: string, ...params: unknown[]): number {
  const sqlite = new SQLite(databaseUrl, { readonly: true });
  const { n } = sqlite.prepare(query).get(...params) as { n: number };
  sqlite.close();
  return n;
}

async function shippedJavaScriptKb(
  baseUrl: string,
  cookie: string,
): Promise<{ files: number; gzipKb: number }> {
  const html = await (
    await fetch(`${baseUrl}/dashboard/talent/payment`, { headers: { cookie } })
  ).text();
  const urls = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g))
    urls.add(match[1]!);
  for (const match of html.matchAll(/import\s*(?:[\w{}*\s,]+from\s*)?["']([^"']+\.js)["']/g))
    urls.add(match[1]!);
  let gzipBytes = 0;
  for (const url of urls)
    gzipBytes += gzipSync(Buffer.from(await (await fetch(new URL(url, baseUrl))).arrayBuffer()), {
      level: 9,
    }).length;
  for (const match of html.matchAll(/<script(?![^>]*src)[^>]*>([\s\S]*?)<\/script>/g))
    gzipBytes += gzipSync(match[1]!).length;
  return { files: urls.size, gzipKb: gzipBytes / 1024 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT");
  });
}

interface SizeServer {
  size: "empty" | "large";
  databaseUrl: string;
  appUrl: string;
  app: ChildProcess;
  sim: StripeSim;
}

interface WebhookResult {
  baseline: Figures;
  unknown: Figures;
  fulfil: Figures;
  renderCpuMsPerEmail: number;
}

interface PageResult {
  payment: Figures;
  dashboard: Figures;
  success: Figures;
  documentFloor: Figures;
  resourceFloor: Figures;
  staffOverview: Figures;
  staffMembers: Figures;
  healthz: Figures;
  readyz: Figures;
  /** a Prometheus scrape: the database gauges are read at scrape time */
  metrics: Figures;
}

/** The bench's member is made staff (as `npm run staff:grant` does) to measure the console. */
function grantStaff(databaseUrl: string, email: string): void {
  const sqlite = new SQLite(databaseUrl);
  sqlite.pragma("busy_timeout = 5000");
  sqlite.prepare("update users set is_staff = 1 where email = ?").run(email);
  sqlite.close();
}

/** Migrates (and for "large" fills) the size's database, then starts its stand-in and server. */
async function startSize(
  size: "empty" | "large",
  index: number,
): Promise<SizeServer & { pending: PendingPayment[] }> {
  const sizeDir = join(dir, size);
  const databaseUrl = join(sizeDir, "app.db");
  const database = createDatabase(databaseUrl);
  await migrateToLatest(database);
  await database.destroy();
  if (size === "large") {
    const started = performance.now();
    fillDatabase(databaseUrl, LARGE);
    console.log(
      `filled to ${LARGE.users} users, ${LARGE.payments} payments, ${LARGE.events} events, ${LARGE.outbox} outbox rows in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    // The kernel would otherwise spend the next minute writing the fill's dirty pages back,
    // beside the server, and every figure of this size (even pages that read nothing) would
    // carry that work.
    const syncStarted = performance.now();
    spawnSync("sync", { stdio: "ignore" });
    console.log(
      `written back to disk in ${((performance.now() - syncStarted) / 1000).toFixed(0)} s before the server starts`,
    );
  }
  const pending = seedPendingPayments(databaseUrl, FULFIL_EVENTS, size);

  // Both sizes' servers stay up until the pages are measured, side by side.
  const port = APP_PORT + 2 * index;
  const simPort = SIM_PORT + index;
  const appUrl = `http://127.0.0.1:${port}`;
  const sim = await startStripeSim({
    port: simPort,
    dbPath: join(sizeDir, "stripe-sim.db"),
    forwardTo: null,
    webhookSecret: SECRET,
  });
  const app = await startApp(port, databaseUrl, sim);
  return { size, databaseUrl, appUrl, app, sim, pending };
}

/** The production server on `port` and `databaseUrl`, calling `sim`; `extra` adds to its environment. */
async function startApp(
  port: number,
  databaseUrl: string,
  sim: StripeSim,
  extra: Record<string, string> = {},
): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    STRIPE_SECRET_KEY: "",
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_SIM_PORT: new URL(sim.url).port,
    STRIPE_API_BASE: sim.url,
    PRICING_CURRENCY: "MAD",
    RATE_LIMIT_PER_MINUTE: "100000",
    // BENCH_NODE_OPTIONS tries V8 settings on the server, e.g. "--max-old-space-size=128".
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "",
    ...extra,
  };
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server for a closer look.
  const profile = process.env.BENCH_CPU_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : [];
  if (process.env.BENCH_TRACE_GC) profile.push("--trace-gc");
  const app = spawn(process.execPath, productionServerArgs(root, profile, env), {
    env,
    stdio: "pipe",
  });
  children.push(app);
  await waitForLine(app, /remix-serve/);
  return app;
}

/**
 * The same server without its instrumentation, on an empty database of its own: no request
 * ids or durations at the HTTP layer (HTTP_METRICS=off) and no info log lines (LOG_LEVEL=warn).
 * The webhook counters stay (a counter's increment is a few nanoseconds).
 */
async function startUninstrumented(sim: StripeSim): Promise<SizeServer> {
  const databaseUrl = join(dir, "uninstrumented", "app.db");
  mkdirSync(join(dir, "uninstrumented"));
  const database = createDatabase(databaseUrl);
  await migrateToLatest(database);
  await database.destroy();
  const app = await startApp(UNINSTRUMENTED_PORT, databaseUrl, sim, {
    HTTP_METRICS: "off",
    LOG_LEVEL: "warn",
  });
  return {
    size: "empty",
    databaseUrl,
    appUrl: `http://127.0.0.1:${UNINSTRUMENTED_PORT}`,
    app,
    sim,
  };
}

async function benchWebhooks(
  server: SizeServer,
  pending: PendingPayment[],
): Promise<WebhookResult> {
  const { size, databaseUrl, app } = server;
  const appPid = app.pid!;
  const appPort = Number(new URL(server.appUrl).port);
  // One process (tsx as a loader, not its CLI, which would run the server in a child) so its
  // pid is the one whose CPU time is read.
  const baseline = spawn(process.execPath, ["--import", "tsx", "tests/bench/baseline-server.ts"], {
    env: {
      ...process.env,
      PORT: String(BASELINE_PORT),
      BASELINE_WEBHOOK_SECRET: SECRET,
      BASELINE_DB: join(dir, size, "baseline.db"),
    },
    stdio: "pipe",
  });
  children.push(baseline);
  await waitForLine(baseline, /baseline listening/);
  try {
    console.log(`\n== ${size} database ==`);
    console.log(
      `(a) webhook intake, ${WEBHOOK_CONNECTIONS} connections, signed ~2 KiB checkout.session.completed events`,
    );
    const bare = await webhookLoad(
      BASELINE_PORT,
      baseline.pid!,
      unknownSessionEvents(UNKNOWN_EVENTS),
    );
    console.log(line("bare baseline (unknown sessions)", bare, "event"));
    const unknown = await webhookLoad(appPort, appPid, unknownSessionEvents(UNKNOWN_EVENTS));
    console.log(
      line(
        "app, unknown sessions",
        unknown,
        "event",
        `ratio ${(unknown.perSecond / bare.perSecond).toFixed(2)}`,
      ),
    );
    const fulfil = await webhookLoad(appPort, appPid, fulfilmentEvents(pending));
    console.log(
      line(
        "app, fulfilment burst",
        fulfil,
        "event",
        `ratio ${(fulfil.perSecond / bare.perSecond).toFixed(2)} (targets <= 2.5 ms CPU, p99 < 50 ms, ratio >= 0.6)`,
      ),
    );
    const paid = count(
      databaseUrl,
      "select count(*) as n from payments where status = 'paid' and stripe_checkout_session_id like ?",
      `cs_test_bench_${size}_%`,
    );
    const queued = count(
      databaseUrl,
      "select count(*) as n from email_outbox where dedupe_key like 'payment-confirmation:%' and to_email like ?",
      `bench-${size}-%`,
    );
    console.log(
      `   fulfilled ${paid} of ${pending.length} pending payments, ${queued} confirmation emails queued`,
    );

    // The dispatcher renders and sends the queued emails after (and during) the burst.
    const drainStarted = cpuMs(appPid);
    const renderedBefore = count(
      databaseUrl,
      "select count(*) as n from email_outbox where status = 'sent' and to_email like ?",
      `bench-${size}-%`,
    );
    for (let i = 0; i < 600; i++) {
      if (
        count(databaseUrl, "select count(*) as n from email_outbox where status = 'pending'") === 0
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const renderedDuringDrain =
      count(
        databaseUrl,
        "select count(*) as n from email_outbox where status = 'sent' and to_email like ?",
        `bench-${size}-%`,
      ) - renderedBefore;
    const renderCpuMsPerEmail = (cpuMs(appPid) - drainStarted) / Math.max(1, renderedDuringDrain);
    console.log(
      `   email rendering off the request: ${renderedBefore} sent during the burst, ${renderedDuringDrain} after it at ${renderCpuMsPerEmail.toFixed(2)} ms CPU each`,
    );
    return { baseline: bare, unknown, fulfil, renderCpuMsPerEmail };
  } finally {
    await stop(baseline);
  }
}

/**
 * Every size's pages in the same interleaved rounds, so drift on the machine reaches both sizes
 * alike. The floors are what the framework costs before the app does anything, on the same
 * server: a document with no session and no query, and a resource route refusing a GET.
 */
async function benchPages(
  servers: SizeServer[],
  members: { cookie: string; email: string }[],
  extra: Page[] = [],
): Promise<{ sizes: PageResult[]; extra: Figures[] }> {
  const pages: Page[] = [];
  for (const [i, { appUrl, databaseUrl, app }] of servers.entries()) {
    const { cookie, email } = members[i]!;
    const successSession = seedPaidPayment(databaseUrl, email);
    grantStaff(databaseUrl, email);
    const pid = app.pid!;
    pages.push(
      { url: `${appUrl}/dashboard/talent/payment`, pid, cookie },
      { url: `${appUrl}/dashboard/talent`, pid, cookie },
      { url: `${appUrl}/payment/success?session_id=${successSession}`, pid, cookie },
      { url: `${appUrl}/login`, pid },
      { url: `${appUrl}/api/webhooks/stripe`, pid },
      { url: `${appUrl}/staff`, pid, cookie },
      { url: `${appUrl}/staff/members?role=company&status=EXPIRED`, pid, cookie },
      { url: `${appUrl}/healthz`, pid },
      { url: `${appUrl}/readyz`, pid },
      // the bench is on this machine: a loopback client may scrape on local defaults
      { url: `${appUrl}/metrics`, pid },
    );
  }
  const figures = await pageRounds([...pages, ...extra]);
  const perServer = 10;
  const sizes = servers.map((_, i) => {
    const [
      payment,
      dashboard,
      success,
      documentFloor,
      resourceFloor,
      staffOverview,
      staffMembers,
      healthz,
      readyz,
      metrics,
    ] = figures.slice(perServer * i, perServer * i + perServer) as Figures[] as [
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
      Figures,
    ];
    return {
      payment,
      dashboard,
      success,
      documentFloor,
      resourceFloor,
      staffOverview,
      staffMembers,
      healthz,
      readyz,
      metrics,
    };
  });
  return { sizes, extra: figures.slice(pages.length) };
}

/** The uninstrumented server's pages, measured in the same rounds as the others. */
function uninstrumentedPages(server: SizeServer, cookie: string): Page[] {
  const pid = server.app.pid!;
  return [
    { url: `${server.appUrl}/dashboard/talent/payment`, pid, cookie },
    { url: `${server.appUrl}/login`, pid },
    { url: `${server.appUrl}/api/webhooks/stripe`, pid },
    { url: `${server.appUrl}/healthz`, pid },
  ];
}

/** Webhook intake of unknown-session events, the uninstrumented server then the instrumented one. */
async function instrumentationWebhooks(
  instrumented: SizeServer,
  uninstrumented: SizeServer,
): Promise<{ on: Figures; off: Figures }> {
  const port = (server: SizeServer) => Number(new URL(server.appUrl).port);
  await webhookLoad(port(uninstrumented), uninstrumented.app.pid!, unknownSessionEvents(200));
  const off = await webhookLoad(
    port(uninstrumented),
    uninstrumented.app.pid!,
    unknownSessionEvents(UNKNOWN_EVENTS),
  );
  const on = await webhookLoad(
    port(instrumented),
    instrumented.app.pid!,
    unknownSessionEvents(UNKNOWN_EVENTS),
  );
  return { on, off };
}

function printInstrumentationCost(rows: [string, Figures, Figures][]): void {
  console.log(
    "\n== instrumentation cost: the first size's server against the same server with HTTP_METRICS=off LOG_LEVEL=warn (no request ids or durations, no info logs) on an empty database of its own (target <= 0.05 ms CPU per request) ==",
  );
  for (const [label, on, off] of rows) {
    const cost = on.cpuMsPerRequest - off.cpuMsPerRequest;
    console.log(
      `${label.padEnd(34)} on ${on.cpuMsPerRequest.toFixed(3)}  off ${off.cpuMsPerRequest.toFixed(3)}  cost ${cost >= 0 ? "+" : ""}${cost.toFixed(3)} ms CPU/request`,
    );
  }
}

function printPages(size: string, pages: PageResult): void {
  console.log(`\n== ${size} database, pages (instrumentation on: request metrics, ids, logs) ==`);
  console.log(line("payment page", pages.payment, "request", "(target >= 500 requests/s)"));
  console.log(line("dashboard", pages.dashboard, "request"));
  console.log(line("success page (paid payment)", pages.success, "request"));
  console.log(line("staff overview", pages.staffOverview, "request", "(target < 50 ms CPU)"));
  console.log(line("staff members list", pages.staffMembers, "request", "(target < 50 ms CPU)"));
  console.log(
    line("floor: signed-out login page", pages.documentFloor, "request", "(no session, no query)"),
  );
  console.log(
    line(
      "floor: GET on the webhook (405)",
      pages.resourceFloor,
      "request",
      "(no body, no database)",
    ),
  );
  console.log(line("GET /healthz", pages.healthz, "request", "(no database)"));
  console.log(line("GET /readyz", pages.readyz, "request", "(one read of the migrations)"));
  console.log(
    line(
      "GET /metrics (a scrape)",
      pages.metrics,
      "request",
      "(target < 100 ms on the large database)",
    ),
  );
}

function compare(empty: WebhookResult & PageResult, large: WebhookResult & PageResult): void {
  console.log("\n== large database against empty (CPU per request; target within 10%) ==");
  const rows: [string, number, number][] = [
    ["webhook, unknown sessions", empty.unknown.cpuMsPerRequest, large.unknown.cpuMsPerRequest],
    ["webhook, fulfilment burst", empty.fulfil.cpuMsPerRequest, large.fulfil.cpuMsPerRequest],
    ["payment page", empty.payment.cpuMsPerRequest, large.payment.cpuMsPerRequest],
    ["dashboard", empty.dashboard.cpuMsPerRequest, large.dashboard.cpuMsPerRequest],
    ["success page", empty.success.cpuMsPerRequest, large.success.cpuMsPerRequest],
    ["staff overview", empty.staffOverview.cpuMsPerRequest, large.staffOverview.cpuMsPerRequest],
    ["staff members list", empty.staffMembers.cpuMsPerRequest, large.staffMembers.cpuMsPerRequest],
    ["GET /metrics (a scrape)", empty.metrics.cpuMsPerRequest, large.metrics.cpuMsPerRequest],
    [
      "floor: signed-out login page",
      empty.documentFloor.cpuMsPerRequest,
      large.documentFloor.cpuMsPerRequest,
    ],
  ];
  for (const [label, a, b] of rows) {
    console.log(
      `${label.padEnd(34)} ${a.toFixed(2)} -> ${b.toFixed(2)} ms (${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(0)}%)`,
    );
  }
}

async function main(): Promise<void> {
  console.log("Building for production...");
  const build = spawnSync(
    process.execPath,
    [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    { stdio: "ignore" },
  );
  if (build.status !== 0) throw new Error("build failed");
  const servers: SizeServer[] = [];
  const webhooks: WebhookResult[] = [];
  let bare: SizeServer | undefined;
  try {
    for (const [index, size] of SIZES.entries()) {
      const { pending, ...server } = await startSize(size, index);
      servers.push(server);
      webhooks.push(await benchWebhooks(server, pending));
    }
    console.log(
      `\n(b) pages, signed in, ${PAGE_CONNECTIONS} connections, ${PAGE_SECONDS} s each in ${PAGE_ROUNDS} rounds taken in turn across both sizes, median round (target <= 2 ms CPU per request)`,
    );
    const members = [];
    for (const server of servers) members.push(await signIn(server.appUrl));
    bare = await startUninstrumented(servers[0]!.sim);
    const bareMember = await signIn(bare.appUrl);
    const intake = await instrumentationWebhooks(servers[0]!, bare);
    const { sizes: pages, extra } = await benchPages(
      servers,
      members,
      uninstrumentedPages(bare, bareMember.cookie),
    );
    for (const [i, server] of servers.entries()) printPages(server.size, pages[i]!);
    const first = pages[0]!;
    printInstrumentationCost([
      ["webhook, unknown sessions", intake.on, intake.off],
      ["payment page", first.payment, extra[0]!],
      ["floor: signed-out login page", first.documentFloor, extra[1]!],
      ["floor: GET on the webhook (405)", first.resourceFloor, extra[2]!],
      ["GET /healthz", first.healthz, extra[3]!],
    ]);
    const js = await shippedJavaScriptKb(servers[0]!.appUrl, members[0]!.cookie);
    console.log(
      `\n(c) JavaScript the payment page ships: ${js.gzipKb.toFixed(1)} KB gzipped in ${js.files} files (target <= 120 KB)`,
    );
    for (const server of servers) {
      console.log(
        `(d) server peak memory (VmHWM), ${server.size} database, through all its runs: ${peakRssMb(server.app.pid!).toFixed(0)} MB (target < 250 MB)`,
      );
    }
    const empty = SIZES.indexOf("empty");
    const large = SIZES.indexOf("large");
    if (empty >= 0 && large >= 0)
      compare({ ...webhooks[empty]!, ...pages[empty]! }, { ...webhooks[large]!, ...pages[large]! });
  } finally {
    if (bare) await stop(bare.app);
    for (const server of servers) {
      await stop(server.app);
      await server.sim.close();
    }
  }
  // BENCH_POSTGRES=off leaves the Postgres column out (it makes a throwaway cluster otherwise).
  if (process.env.BENCH_POSTGRES !== "off") {
    console.log(
      `\n== PostgreSQL, webhook intake of unknown-session events (${WEBHOOK_CONNECTIONS} connections in all) ==`,
    );
    for (const f of (await benchPostgresIntake({ events: UNKNOWN_EVENTS })) ?? [])
      console.log(formatIntake(f));
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill("SIGINT");
  rmSync(dir, { recursive: true, force: true });
}
