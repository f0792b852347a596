import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "@playwright/test";

// Screenshots of the member's pages at a phone's and a desktop's size, for docs/screenshots/:
// `npx tsx tests/tools/screenshots.ts <prefix>` starts the app on empty databases (SHOTS_PORT,
// default 3500, and the stand-in on SHOTS_STRIPE_SIM_PORT, default 12511), makes a member who
// pays once and one on a monthly trial, and writes <prefix>-<page>-<size>.png.

const prefix = process.argv[2] ?? "shot";
const port = Number(process.env.SHOTS_PORT ?? 3500);
const simPort = Number(process.env.SHOTS_STRIPE_SIM_PORT ?? 12511);
const base = `http://localhost:${port}`;
const outDir = "docs/screenshots";
const dataDir = `tests/.tmp/shots-${port}`;
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer`);
}

async function register(page: Page, name: string, email: string): Promise<void> {
  await page.goto(`${base}/register`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill("correct horse battery staple 42");
  await page.getByLabel("Talent", { exact: true }).check();
  await page.getByRole("button", { name: /create account|register|sign up/i }).click();
  await page.waitForURL(/\/dashboard\/talent$/);
}

async function payOnCheckout(page: Page, email: string): Promise<void> {
  await page.locator("#cardNumber").waitFor();
  if (await page.locator("#email").isEditable()) await page.locator("#email").fill(email);
  await page.locator("#cardNumber").fill("4242 4242 4242 4242");
  await page.locator("#cardExpiry").fill("12 / 34");
  await page.locator("#cardCvc").fill("123");
  await page.locator("#billingName").fill("Test Payer");
  await page.locator('[data-testid="hosted-payment-submit-button"]').click();
  await page.waitForURL(/\/(payment|billing)\/success/);
  await page.waitForLoadState("networkidle");
}

async function shoot(browser: Browser, page: Page, path: string, name: string): Promise<void> {
  const state = await page.context().storageState();
  for (const [size, viewport] of Object.entries(SIZES)) {
    const context = await browser.newContext({ viewport, storageState: state, locale: "en-US" });
    const shot = await context.newPage();
    await shot.goto(`${base}${path}`);
    await shot.screenshot({ path: `${outDir}/${prefix}-${name}-${size}.png`, fullPage: true });
    await context.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const server = spawn("npx", ["tsx", "tests/e2e/support/start-server.ts"], {
    stdio: "ignore",
    detached: true,
    env: {
      ...process.env,
      CI: "1",
      NODE_ENV: "production",
      PORT: String(port),
      APP_URL: base,
      SESSION_SECRET: "screenshots-session-secret",
      PASSWORD_HASH_COST: "test",
      PRICING_CURRENCY: "MAD",
      RATE_LIMIT_PER_MINUTE: "1000",
      POSTMARK_SERVER_TOKEN: "",
      E2E_DATA_DIR: dataDir,
      DATABASE_URL: `${dataDir}/app.db`,
      STRIPE_SECRET_KEY: "",
      STRIPE_API_BASE: "",
      STRIPE_WEBHOOK_SECRET: "whsec_screenshots_secret",
      STRIPE_SIM_PORT: String(simPort),
      STRIPE_SIM_DB: `${dataDir}/stripe-sim.db`,
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    await waitFor(`${base}/login`);
    const tag = Date.now().toString(36);

    const once = await (await browser.newContext({ locale: "en-US" })).newPage();
    await register(once, "Amina Benali", `once-${tag}@example.test`);
    await shoot(browser, once, "/dashboard/talent/payment", "payment");
    await shoot(browser, once, "/dashboard/talent", "dashboard-new");
    await once.goto(`${base}/dashboard/talent/payment`);
    await once.getByRole("button", { name: /Pay 300 MAD/ }).click();
    await payOnCheckout(once, `once-${tag}@example.test`);
    await shoot(browser, once, "/dashboard/talent", "dashboard");
    await shoot(browser, once, "/dashboard/talent/billing", "billing");

    const trial = await (await browser.newContext({ locale: "en-US" })).newPage();
    await register(trial, "Youssef Alaoui", `trial-${tag}@example.test`);
    await trial.goto(`${base}/dashboard/talent/payment`);
    await trial.getByLabel(/Monthly/).check();
    await trial.getByRole("button", { name: /Start free trial/ }).click();
    await payOnCheckout(trial, `trial-${tag}@example.test`);
    await shoot(browser, trial, "/dashboard/talent", "dashboard-trial");
    await shoot(browser, trial, "/dashboard/talent/billing", "billing-trial");
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

await main();
