import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import Stripe from "stripe";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { startStripeSim } from "../../stripe-sim/index";

// `npm run bench`: builds for production, starts the server on embedded defaults and prints
// figures. Nothing here asserts: targets are compared by people reading the output.

const CONNECTIONS = 25;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 4000);
const PAGE_SECONDS = Number(process.env.BENCH_PAGE_SECONDS ?? 10);
const APP_PORT = 3400;
const BASELINE_PORT = 3401;
const SIM_PORT = 12411;
const SECRET = "whsec_bench_secret";
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
    if (process.env.BENCH_TRACE_GC) child.stdout?.on("data", (c: Buffer) => process.stderr.write(c));
    child.on("exit", (code) => reject(new Error(`process exited (${code}) before ready:\n${seen}`)));
  });
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** A checkout.session.completed event of about 2 KiB for a session this app never created. */
function signedEvents(count: number): { body: string; signature: string }[] {
  const stripe = new Stripe("sk_test_bench");
  const padding = "x".repeat(1200);
  return Array.from({ length: count }, () => {
    const id = randomBytes(12).toString("hex");
    const body = JSON.stringify({
      id: `evt_bench_${id}`,
      object: "event",
      api_version: "2025-01-27.acacia",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "checkout.session.completed",
      data: {
        object: {
          id: `cs_test_bench_${id}`,
          object: "checkout.session",
          amount_total: 30000,
          currency: "mad",
          mode: "payment",
          payment_status: "paid",
          status: "complete",
          customer: `cus_bench_${id.slice(0, 14)}`,
          client_reference_id: null,
          metadata: { note: padding },
        },
      },
    });
    return { body, signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret: SECRET }) };
  });
}

async function webhookLoad(port: number, label: string) {
  const events = signedEvents(EVENTS);
  let next = 0;
  const started = performance.now();
  // autocannon notices the end of an `amount` run on its one-second tick: time the last answer.
  let finished = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
        connections: CONNECTIONS,
        amount: EVENTS,
        requests: [
          {
            method: "POST",
            setupRequest: (request) => {
              const event = events[next++ % events.length]!;
              return { ...request, body: event.body, headers: { "content-type": "application/json", "stripe-signature": event.signature } };
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
  const seconds = (finished - started) / 1000;
  const ok = result["2xx"];
  console.log(
    `${label.padEnd(9)} ${Math.round(ok / seconds)} events/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms (${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors)`,
  );
  return { eventsPerSecond: ok / seconds, p99: result.latency.p99 };
}

async function signIn(baseUrl: string): Promise<string> {
  const form = new URLSearchParams({ name: "Bench Talent", email: `bench-${Date.now()}@example.test`, password: "bench password 123", role: "talent" });
  const response = await fetch(`${baseUrl}/register`, { method: "POST", body: form, redirect: "manual" });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (response.status !== 303 || !cookie) throw new Error(`register answered ${response.status}`);
  return cookie;
}

async function shippedJavaScriptKb(baseUrl: string, cookie: string): Promise<{ files: number; gzipKb: number }> {
  const html = await (await fetch(`${baseUrl}/dashboard/talent/payment`, { headers: { cookie } })).text();
  const urls = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+\.js)"/g)) urls.add(match[1]!);
  for (const match of html.matchAll(/import\s*(?:[\w{}*\s,]+from\s*)?["']([^"']+\.js)["']/g)) urls.add(match[1]!);
  let gzipBytes = 0;
  for (const url of urls) gzipBytes += gzipSync(Buffer.from(await (await fetch(new URL(url, baseUrl))).arrayBuffer()), { level: 9 }).length;
  for (const match of html.matchAll(/<script(?![^>]*src)[^>]*>([\s\S]*?)<\/script>/g)) gzipBytes += gzipSync(match[1]!).length;
  return { files: urls.size, gzipKb: gzipBytes / 1024 };
}

async function main(): Promise<void> {
  console.log("Building for production...");
  const build = spawnSync(process.execPath, [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { stdio: "ignore" });
  if (build.status !== 0) throw new Error("build failed");

  const databaseUrl = join(dir, "app.db");
  const database = createDatabase(databaseUrl);
  await migrateToLatest(database);
  await database.destroy();

  const appUrl = `http://127.0.0.1:${APP_PORT}`;
  const sim = await startStripeSim({ port: SIM_PORT, dbPath: join(dir, "stripe-sim.db"), forwardTo: null, webhookSecret: SECRET });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(APP_PORT),
    APP_URL: appUrl,
    DATABASE_URL: databaseUrl,
    STRIPE_SECRET_KEY: "",
    STRIPE_WEBHOOK_SECRET: SECRET,
    STRIPE_SIM_PORT: String(SIM_PORT),
    PRICING_CURRENCY: "MAD",
    RATE_LIMIT_PER_MINUTE: "100000",
    // BENCH_NODE_OPTIONS tries V8 settings on the server, e.g. "--max-old-space-size=128".
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? "",
  };
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server for a closer look.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  if (process.env.BENCH_TRACE_GC) profile.push("--trace-gc");
  const app = spawn(process.execPath, [...profile, join(root, "node_modules/@remix-run/serve/dist/cli.js"), "build/server/index.js"], { env, stdio: "pipe" });
  children.push(app);
  await waitForLine(app, /remix-serve/);

  const baseline = spawn(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), "tests/bench/baseline-server.ts"], {
    env: { ...process.env, PORT: String(BASELINE_PORT), BASELINE_WEBHOOK_SECRET: SECRET, BASELINE_DB: join(dir, "baseline.db") },
    stdio: "pipe",
  });
  children.push(baseline);
  await waitForLine(baseline, /baseline listening/);

  console.log(`\n(a) webhook intake: ${EVENTS} distinct signed events of ~2 KiB, ${CONNECTIONS} connections`);
  const bare = await webhookLoad(BASELINE_PORT, "baseline");
  const ours = await webhookLoad(APP_PORT, "app");
  const afterWebhooks = peakRssMb(app.pid!);
  console.log(`ratio app/baseline: ${(ours.eventsPerSecond / bare.eventsPerSecond).toFixed(2)} (target >= 0.6; app p99 target < 50 ms)`);

  const cookie = await signIn(appUrl);
  const page = await autocannon({
    url: `${appUrl}/dashboard/talent/payment`,
    connections: 10,
    duration: PAGE_SECONDS,
    headers: { cookie },
  });
  console.log(`\n(b) payment page, signed in: ${Math.round(page.requests.average)} requests/s, p99 ${page.latency.p99} ms (${page["2xx"]} ok, ${page.non2xx} non-2xx) (target >= 500 requests/s)`);

  const js = await shippedJavaScriptKb(appUrl, cookie);
  console.log(`\n(c) JavaScript the payment page ships: ${js.gzipKb.toFixed(1)} KB gzipped in ${js.files} files (target <= 120 KB)`);

  console.log(`\n(d) server peak memory (VmHWM): ${peakRssMb(app.pid!).toFixed(0)} MB (${afterWebhooks.toFixed(0)} MB after the webhook run) (target < 250 MB)`);
  await sim.close();
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill("SIGINT");
  rmSync(dir, { recursive: true, force: true });
}
