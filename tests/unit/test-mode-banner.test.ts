import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildIfNeeded } from "../../app/cli/build";
import { productionServerArgs } from "../../app/cli/server-command";
import { setupMigratedDatabase, type MigratedDatabase } from "../support/app";
import { freePort } from "../support/server-process";

// The production build as a staging deployment runs it: a public https APP_URL with a Stripe
// test key. Every page must say it is test mode (an unknown URL's 404 runs no loader and is
// the one exception); the same build on a live key must not. Nothing here reaches Stripe: the pages fetched make no Stripe call.
const root = process.cwd();
const BANNER = "Test mode: payments here use Stripe&#x27;s test cards and no real money moves.";

const children: ChildProcess[] = [];
const databases: MigratedDatabase[] = [];
const ENGLISH = { "Accept-Language": "en" };

async function startServer(stripeKey: string): Promise<string> {
  const database = await setupMigratedDatabase();
  databases.push(database);
  const port = await freePort();
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith("VITEST") && !name.startsWith("STRIPE_"),
    ),
  );
  const child = spawn(process.execPath, productionServerArgs(root), {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      APP_URL: "https://staging.talents-acting.example",
      DATABASE_URL: database.url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      STRIPE_SECRET_KEY: stripeKey,
      STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64url")}`,
      POSTMARK_SERVER_TOKEN: randomBytes(16).toString("hex"),
      METRICS_TOKEN: randomBytes(32).toString("hex"),
      PASSWORD_HASH_COST: "owasp",
    },
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
      expect((await fetch(`${url}/login`)).status).toBe(200);
    },
    { timeout: 240_000, interval: 250 },
  );
  return url;
}

let staging = "";
let live = "";
beforeAll(async () => {
  expect(buildIfNeeded(root)).toBe(0);
  [staging, live] = await Promise.all([
    startServer(`sk_test_${randomBytes(16).toString("hex")}`),
    startServer(`sk_live_${randomBytes(16).toString("hex")}`),
  ]);
}, 600_000);
afterAll(async () => {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
  await Promise.all(databases.map((database) => database.close()));
}, 60_000);

describe("the test-mode banner", () => {
  it.each(["/", "/login", "/register", "/talents", "/dashboard/talent"])(
    "a staging deployment with a test key shows it on %s",
    async (path) => {
      const response = await fetch(`${staging}${path}`, { redirect: "manual", headers: ENGLISH });
      const html = await response.text();
      if (response.status >= 300 && response.status < 400) {
        // A signed-out redirect has no page; the page it leads to carries the banner.
        const next = await fetch(`${staging}${response.headers.get("Location")}`, {
          headers: ENGLISH,
        });
        expect(await next.text()).toContain(BANNER);
      } else {
        expect(html).toContain(BANNER);
      }
    },
  );

  it("in French too", async () => {
    const html = await (
      await fetch(`${staging}/login`, { headers: { "Accept-Language": "fr" } })
    ).text();
    expect(html).toContain('<p class="test-mode-banner" role="note">Mode test');
  });

  it("a live deployment does not", async () => {
    for (const path of ["/", "/login", "/register"]) {
      const html = await (await fetch(`${live}${path}`, { headers: ENGLISH })).text();
      expect(html).toContain("<html");
      expect(html).not.toContain("test-mode-banner");
    }
  });
});
