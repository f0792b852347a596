import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { sql } from "kysely";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { buildIfNeeded } from "../../app/cli/build";
import { productionServerArgs } from "../../app/cli/server-command";
import { BENCH_WEBHOOK_SECRET as SECRET, unknownSessionEvents, type Signed } from "./events";
import { peakRssMb } from "./proc";
import {
  freePort,
  installPostgres,
  isRoot,
  postgresBinDir,
  startCluster,
  type Cluster,
} from "../tools/postgres-cluster";

// The PostgreSQL column of `npm run bench`: webhook intake (signed ~2 KiB
// checkout.session.completed events for sessions the app never created, as the SQLite row
// "app, unknown sessions") with one app instance, then with two instances on the same database,
// each loaded by its own autocannon at half the connections. A throwaway cluster is made unless
// BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server. `tsx tests/bench/postgres.ts` runs
// it alone; run.ts calls benchPostgresIntake(). Nothing asserts: people read the figures.

const CONNECTIONS = 25;
const root = process.cwd();

export interface IntakeFigures {
  instances: number;
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  /** the larger peak resident memory (VmHWM) of the instances so far, MB */
  peakRssMb: number;
}

async function startInstance(
  databaseUrl: string,
  port: number,
  poolSize: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, productionServerArgs(root), {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      APP_URL: `http://localhost:${port}`,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(poolSize),
      STRIPE_SECRET_KEY: "",
      STRIPE_API_BASE: "http://127.0.0.1:9",
      STRIPE_WEBHOOK_SECRET: SECRET,
      POSTMARK_SERVER_TOKEN: "",
      PASSWORD_HASH_COST: "test",
      RATE_LIMIT_PER_MINUTE: "100000",
    },
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`bench instance exited:\n${output}`);
    const ready = await fetch(`http://127.0.0.1:${port}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`bench instance on ${port} did not answer:\n${output}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function load(
  port: number,
  events: Signed[],
  connections: number,
): Promise<{ result: autocannon.Result; finished: number }> {
  let next = 0;
  let finished = performance.now();
  return new Promise((resolve, reject) => {
    const run = autocannon(
      {
        url: `http://127.0.0.1:${port}/api/webhooks/stripe`,
        connections,
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
      (error, done) => (error ? reject(error) : resolve({ result: done, finished })),
    );
    // autocannon notices the end of an `amount` run on its one-second tick: time the last answer.
    run.on("response", () => {
      finished = performance.now();
    });
  });
}

/** Webhook intake spread over the instances on `ports`, each taking an equal share of events and connections. */
async function intake(ports: number[], events: number, pids: number[]): Promise<IntakeFigures> {
  const share = Math.floor(events / ports.length);
  const batches = ports.map(() => unknownSessionEvents(share));
  const started = performance.now();
  const runs = await Promise.all(
    ports.map((port, i) =>
      load(port, batches[i]!, Math.max(1, Math.floor(CONNECTIONS / ports.length))),
    ),
  );
  const finished = Math.max(...runs.map((r) => r.finished));
  const ok = runs.reduce((sum, r) => sum + r.result["2xx"], 0);
  const non2xx = runs.reduce((sum, r) => sum + r.result.non2xx, 0);
  return {
    instances: ports.length,
    perSecond: ok / ((finished - started) / 1000),
    // the slower instance's percentiles: what a client of the pair could see
    p50: Math.max(...runs.map((r) => r.result.latency.p50)),
    p99: Math.max(...runs.map((r) => r.result.latency.p99)),
    ok,
    non2xx,
    peakRssMb: Math.max(...pids.map(peakRssMb)),
  };
}

export interface PostgresBenchOptions {
  events?: number;
  /** first of the two instance ports; default free ports above 15000 */
  port?: number;
  poolSize?: number;
}

/**
 * Webhook intake on PostgreSQL with one and with two app instances. Needs the production build
 * (built when stale). Returns null, saying why, when no PostgreSQL is available.
 */
export async function benchPostgresIntake(
  options: PostgresBenchOptions = {},
): Promise<IntakeFigures[] | null> {
  const events = options.events ?? Number(process.env.BENCH_EVENTS ?? 3000);
  let cluster: Cluster | undefined;
  let serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    let binDir = postgresBinDir();
    if (!binDir && isRoot) {
      installPostgres();
      binDir = postgresBinDir();
    }
    if (!binDir) {
      console.log("PostgreSQL: not installed and BENCH_DATABASE_URL not set; no Postgres column.");
      return null;
    }
    cluster = await startCluster(binDir);
    serverUrl = cluster.url;
  }
  if (buildIfNeeded(root) !== 0) throw new Error("the production build failed");
  const name = `payments_bench_${randomBytes(4).toString("hex")}`;
  const admin = createDatabase(serverUrl, { poolSize: 1 });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const children: ChildProcess[] = [];
  try {
    await sql.raw(`create database ${name}`).execute(admin);
    const database = createDatabase(url.toString(), { poolSize: 1 });
    await migrateToLatest(database);
    await database.destroy();

    const ports = options.port
      ? [options.port, options.port + 1]
      : [await freePort(), await freePort()];
    const poolSize = options.poolSize ?? 5;
    children.push(await startInstance(url.toString(), ports[0]!, poolSize));
    const one = await intake([ports[0]!], events, [children[0]!.pid!]);
    children.push(await startInstance(url.toString(), ports[1]!, poolSize));
    const two = await intake(ports, events, [children[0]!.pid!, children[1]!.pid!]);
    return [one, two];
  } finally {
    await Promise.all(children.map(stop));
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
    await admin.destroy();
    cluster?.stop();
  }
}

export function formatIntake(f: IntakeFigures): string {
  const label = `postgres, ${f.instances} instance${f.instances > 1 ? "s" : ""}`;
  return `${label.padEnd(34)} ${Math.round(f.perSecond)} events/s, p50 ${f.p50} ms, p99 ${f.p99} ms (${f.ok} ok, ${f.non2xx} non-2xx), peak memory ${f.peakRssMb.toFixed(0)} MB per instance`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(
    `(a) webhook intake on PostgreSQL, ${CONNECTIONS} connections in all, signed ~2 KiB checkout.session.completed events (unknown sessions)`,
  );
  const figures = await benchPostgresIntake();
  for (const f of figures ?? []) console.log(formatIntake(f));
}
