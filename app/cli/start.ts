import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { config as loadDotenv } from "dotenv";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { buildIfNeeded } from "./build";
import { listenHost, productionServerArgs } from "./server-command";
import type { StripeSim, StripeSimOptions } from "../../stripe-sim/index";
import { optionsFromEnv } from "../../stripe-sim/env";
import { startStripeSim } from "../../stripe-sim/index";
import type { Env } from "../lib/env.server";
import { parseEnv } from "../lib/env.server";
import { errorMessage } from "../lib/errors";

// `npm start` (production build via @remix-run/serve) and `npm run dev` (Vite dev server):
// load .env, check the configuration, build when sources changed, migrate, start the embedded
// Stripe stand-in when no Stripe key is set, then run the web server as a child process.

const dev = process.argv.includes("--dev");
/** Crashes tolerated within the window before the start script gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** First restart after this; doubled for each crash in the window. */
const RESTART_DELAY_MS = 500;
const root = process.cwd();

function loadEnvironment(): Env {
  if (!existsSync(".env") && existsSync(".env.example") && !process.env.CI) {
    copyFileSync(".env.example", ".env");
    console.log(
      "Created .env from .env.example (local defaults: embedded Stripe stand-in, dev mailbox).",
    );
  }
  loadDotenv({ quiet: true });
  try {
    return parseEnv();
  } catch (error) {
    console.error(errorMessage(error));
    process.exit(1);
  }
}

async function migrate(databaseUrl: string): Promise<void> {
  const database = createDatabase(databaseUrl);
  try {
    for (const line of await migrateToLatest(database)) console.log(line);
  } finally {
    await database.destroy();
  }
}

function hostOf(config: Env): string | undefined {
  const listen = listenHost(config, process.env.HOST);
  if ("problem" in listen) {
    console.error(`Invalid environment:\n${listen.problem}`);
    process.exit(1);
  }
  return listen.host;
}

function startWebServer(config: Env, host: string | undefined): ChildProcess {
  const args = dev
    ? [
        join(root, "node_modules/@remix-run/dev/dist/cli.js"),
        "vite:dev",
        "--port",
        String(config.port),
        "--strictPort",
        ...(host === undefined ? [] : ["--host", host]),
      ]
    : productionServerArgs(root);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(config.port) };
  if (host !== undefined) env.HOST = host;
  return spawn(process.execPath, args, { stdio: "inherit", env });
}

function standInOptions(config: Env): StripeSimOptions {
  try {
    return {
      ...optionsFromEnv({ ...process.env, APP_URL: config.appUrl }),
      port: config.stripe.standIn.port,
      // The stand-in runs on local defaults only, and only this machine may reach it.
      host: "127.0.0.1",
      dbPath: config.stripe.standIn.dbPath,
      webhookSecret: config.stripe.webhookSecrets[0],
    };
  } catch (error) {
    console.error(`Invalid environment:\n- ${errorMessage(error)}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = loadEnvironment();
  const host = hostOf(config);
  if (!dev) {
    const status = buildIfNeeded(root);
    if (status !== 0) process.exit(status);
  }
  await migrate(config.databaseUrl);

  let standIn: StripeSim | undefined;
  if (config.stripe.usesStandIn) {
    // The stand-in reads its own variables (STRIPE_SIM_FORWARD_TO, the delivery knobs) as
    // `npm run stripe-sim` does; port, state file and signing secret follow the app's config.
    const options = standInOptions(config);
    standIn = await startStripeSim({
      ...options,
      // One line per webhook attempt, as `stripe listen` prints them.
      log: (line) => console.log(`[stripe-sim] ${line}`),
    });
    console.log(
      `Stripe test-mode stand-in on ${standIn.url} (dashboard ${standIn.url}/), webhooks to ${options.forwardTo ?? "nowhere"}`,
    );
  } else {
    console.log(
      `Stripe: ${config.stripe.apiBase} (${config.stripe.isLiveKey ? "live" : "test"} mode)`,
    );
  }

  // A crashed server is started again, a few times: the stand-in and its queued webhooks stay
  // up meanwhile. After MAX_RESTARTS crashes within RESTART_WINDOW_MS the start script gives up,
  // stops the stand-in and exits with the server's code, saying so (decision 0019).
  let server = startWebServer(config, host);
  console.log(
    `App on ${config.appUrl}${config.postmark.serverToken ? "" : ` (emails: ${config.appUrl}/dev/mailbox)`}`,
  );

  let stopping = false;
  const crashes: number[] = [];
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (server.exitCode === null && server.signalCode === null) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
    await standIn?.close();
    process.exit(code);
  };
  const watch = (child: ChildProcess) =>
    child.on("exit", (code, signal) => {
      if (stopping) return;
      if (code === 0) {
        console.log("[start] The app server stopped; stopping the Stripe stand-in too.");
        void stop(0);
        return;
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - RESTART_WINDOW_MS) crashes.shift();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      if (crashes.length > MAX_RESTARTS) {
        console.error(
          `[start] The app server ${how}; ${crashes.length} crashes within ${RESTART_WINDOW_MS / 1000} s: giving up, stopping.`,
        );
        void stop(code ?? 1);
        return;
      }
      const delay = RESTART_DELAY_MS * 2 ** (crashes.length - 1);
      console.error(
        `[start] The app server ${how}; restarting it in ${delay} ms (crash ${crashes.length} of at most ${MAX_RESTARTS} within ${RESTART_WINDOW_MS / 1000} s).`,
      );
      setTimeout(() => {
        if (stopping) return;
        server = startWebServer(config, host);
        watch(server);
      }, delay);
    });
  watch(server);
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

await main();
