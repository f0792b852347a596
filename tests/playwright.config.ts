import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Chromium from the OS (Debian's package) when present, else Playwright's own browsers.
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const executablePath = existsSync(chromiumPath) ? chromiumPath : undefined;

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3300);
const STAND_IN_PORT = Number(process.env.E2E_STRIPE_SIM_PORT ?? 12311);

// With E2E_STRIPE_SECRET_KEY (an sk_test_ key) the same specs also run against Stripe test mode;
// see README "Run the browser specs against Stripe test mode".
const realStripeKey = process.env.E2E_STRIPE_SECRET_KEY;
const REAL_PORT = E2E_PORT + 1;

const serverEnv = (port: number, extra: Record<string, string>) => ({
  CI: "1",
  NODE_ENV: "production",
  PORT: String(port),
  APP_URL: `http://localhost:${port}`,
  SESSION_SECRET: "e2e-session-secret",
  PASSWORD_HASH_COST: "test",
  PRICING_CURRENCY: "MAD",
  RATE_LIMIT_PER_MINUTE: "1000",
  // The app's clock seam (/test/clock, loopback only); the talents spec moves time with it.
  APP_TEST_CLOCK: "1",
  POSTMARK_SERVER_TOKEN: "",
  E2E_DATA_DIR: `tests/.tmp/e2e-${port}`,
  DATABASE_URL: `tests/.tmp/e2e-${port}/app.db`,
  // Each new customer gets its own test clock, so the billing specs move one member's time.
  STRIPE_TEST_CLOCKS: "true",
  ...extra,
});

export default defineConfig({
  testDir: "./e2e",
  outputDir: "../test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI
    ? [["list"]]
    : [["list"], ["html", { open: "never", outputFolder: "../playwright-report" }]],
  use: {
    // The pages answer in the browser's language, French by default (decision 0022): the specs
    // read English words, so the browser says English; tests/e2e/i18n.spec.ts asks for French.
    locale: "en-US",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-gpu",
        "--no-first-run",
      ],
    },
  },
  projects: [
    {
      name: "stand-in",
      use: { ...devices["Desktop Chrome"], baseURL: `http://localhost:${E2E_PORT}` },
    },
    {
      name: "stripe-test-mode",
      use: { ...devices["Desktop Chrome"], baseURL: `http://localhost:${REAL_PORT}` },
      grep: /@checkout|@billing/,
    },
  ],
  webServer: [
    {
      command: "npx tsx tests/e2e/support/start-server.ts",
      cwd: "..",
      url: `http://localhost:${E2E_PORT}/login`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "ignore",
      env: serverEnv(E2E_PORT, {
        STRIPE_SECRET_KEY: "",
        STRIPE_API_BASE: "",
        STRIPE_WEBHOOK_SECRET: "whsec_e2e_stand_in_secret",
        STRIPE_SIM_PORT: String(STAND_IN_PORT),
        STRIPE_SIM_DB: `tests/.tmp/e2e-${E2E_PORT}/stripe-sim.db`,
      }),
    },
    ...(realStripeKey
      ? [
          {
            command: "npx tsx tests/e2e/support/start-server.ts",
            cwd: "..",
            url: `http://localhost:${REAL_PORT}/login`,
            timeout: 240_000,
            reuseExistingServer: false,
            env: serverEnv(REAL_PORT, {
              STRIPE_SECRET_KEY: realStripeKey,
              STRIPE_WEBHOOK_SECRET: process.env.E2E_STRIPE_WEBHOOK_SECRET ?? "",
              STRIPE_API_BASE: "",
            }),
          },
        ]
      : []),
  ],
});
