import AxeBuilder from "@axe-core/playwright";
import type { Browser, Page } from "@playwright/test";
import Stripe from "stripe";
import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import type { Account } from "./support/fixtures";
import { CARDS, expect, newAccount, register, test } from "./support/fixtures";

// The member's pages in every state of their plan, on a phone and on a desktop: nothing scrolls
// sideways, axe-core finds no critical or serious violation, and the status line and the primary
// action say what the member's state is. States are reached through the member's Stripe test
// clock (the server runs with STRIPE_TEST_CLOCKS=true) and the app's clock (/test/clock).

const STAND_IN_PORT = Number(process.env.E2E_STRIPE_SIM_PORT ?? 12311);
const stripe = new Stripe("sk_test_e2e_member_pages", {
  host: "127.0.0.1",
  port: STAND_IN_PORT,
  protocol: "http",
});

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
] as const;

const DAY = 24 * 60 * 60;

// The words checked are the English ones.
test.use({ locale: "en-US" });
/** Stripe advances a clock at most two billing intervals at a time. */
const MAX_STEP_SECONDS = 56 * DAY;

interface Expected {
  status: RegExp;
  /** the primary action's test id and words */
  primary: { kind: string; name: RegExp };
  secondary?: { kind: string; name: RegExp };
  /** what the payment page offers */
  payment: RegExp;
}

async function memberClock(email: string) {
  const customer = (await stripe.customers.list({ email, limit: 1 })).data[0];
  if (!customer?.test_clock) throw new Error(`no customer on a test clock for ${email}`);
  const clockId =
    typeof customer.test_clock === "string" ? customer.test_clock : customer.test_clock.id;
  const subscription = (
    await stripe.subscriptions.list({ customer: customer.id, status: "all", limit: 1 })
  ).data[0];
  return { clockId, subscription };
}

async function advanceClock(clockId: string, to: number): Promise<void> {
  for (;;) {
    const current = (await stripe.testHelpers.testClocks.retrieve(clockId)).frozen_time;
    if (current >= to) return;
    await stripe.testHelpers.testClocks.advance(clockId, {
      frozen_time: Math.min(to, current + MAX_STEP_SECONDS),
    });
    await expect
      .poll(async () => (await stripe.testHelpers.testClocks.retrieve(clockId)).status, {
        timeout: 120_000,
      })
      .toBe("ready");
  }
}

/** The dashboard's status line, reloaded until the webhooks have landed. */
async function waitForStatus(page: Page, role: string, expected: RegExp): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.goto(`/dashboard/${role}`);
        return (await page.getByTestId("member-status").textContent())?.trim();
      },
      { timeout: 60_000 },
    )
    .toMatch(expected);
}

async function checkout(page: Page, account: Account, card: string): Promise<void> {
  await new StripeCheckoutPage(page).pay({
    number: card,
    email: account.email,
    name: account.name,
  });
  await expect(page).toHaveURL(/\/(payment|billing)\/success/, { timeout: 30_000 });
}

async function payOnce(page: Page, account: Account): Promise<void> {
  await page.goto(`/dashboard/${account.role}/payment`);
  await page.getByRole("button", { name: "Pay MAD 300.00" }).click();
  await checkout(page, account, CARDS.success);
  await expect(page.getByRole("heading", { name: "Payment successful" })).toBeVisible();
}

async function startMonthlyTrial(page: Page, account: Account, card: string): Promise<void> {
  await page.goto(`/dashboard/${account.role}/payment`);
  await page.getByLabel(/Monthly/).check();
  await page.getByRole("button", { name: "Start free trial" }).click();
  await checkout(page, account, card);
}

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    document: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  expect(widths.document, `document wider than the viewport on ${page.url()}`).toBeLessThanOrEqual(
    widths.viewport,
  );
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `axe on ${page.url()}`).toEqual([]);
}

/** Every member page of `account` at both sizes, in the state `expected` describes. */
async function checkPages(
  browser: Browser,
  page: Page,
  account: Account,
  expected: Expected,
): Promise<void> {
  const storageState = await page.context().storageState();
  for (const viewport of VIEWPORTS) {
    const context = await browser.newContext({ viewport, storageState, locale: "en-US" });
    const view = await context.newPage();
    try {
      for (const path of ["", "/billing"]) {
        await view.goto(`/dashboard/${account.role}${path}`);
        await expect(view.getByTestId("member-status")).toHaveText(expected.status);
        const primary = view.getByTestId(`action-${expected.primary.kind}`);
        await expect(primary).toBeVisible();
        await expect(primary).toHaveText(expected.primary.name);
        if (expected.secondary)
          await expect(view.getByTestId(`action-${expected.secondary.kind}`)).toHaveText(
            expected.secondary.name,
          );
        // No Stripe ids where a member reads.
        await expect(view.locator("main")).not.toContainText(/\b(cs|pi)_test_/);
        await expectNoSidewaysScroll(view);
        await expectNoSeriousViolations(view);
      }
      await view.goto(`/dashboard/${account.role}/payment`);
      await expect(view.locator("main")).toContainText(expected.payment);
      await expectNoSidewaysScroll(view);
      await expectNoSeriousViolations(view);
    } finally {
      await context.close();
    }
  }
}

test.describe("member pages in every state, phone and desktop", () => {
  test("new, then paid once", async ({ browser, page }) => {
    const account = newAccount("talent");
    await register(page, account);
    await checkPages(browser, page, account, {
      status: /^No plan yet$/,
      primary: { kind: "choose_plan", name: /^Choose a plan$/ },
      payment: /Annual, paid once/,
    });
    // Manage billing is not offered: there is no subscription to manage.
    await page.goto("/dashboard/talent/billing");
    await expect(page.getByRole("button", { name: "Manage billing" })).toHaveCount(0);

    await payOnce(page, account);
    await expect(page.getByText(/\bcs_test_|\bpi_test_/)).toHaveCount(0);
    await checkPages(browser, page, account, {
      status: /^Active until \d{1,2} \w+ \d{4}$/,
      primary: { kind: "view_billing", name: /^Billing and receipts$/ },
      payment: /you can renew from/,
    });
    await page.goto("/dashboard/talent/billing");
    await expect(page.getByText("Visa ending in 4242")).toBeVisible();
    await expect(page.getByRole("button", { name: "Manage billing" })).toHaveCount(0);
    // The paid year has an invoice (its number links it) and, beside it, the charge's receipt.
    const receipt = page.getByRole("link", { name: /^Receipt for [A-Z0-9]+-\d+$/ }).first();
    await expect(receipt).toBeVisible();
    await receipt.click();
    await expect(page).toHaveURL(/\/receipts\/ch_/);
  });

  test("trialing, active, cancelling, cancelled", async ({ browser, page }) => {
    test.setTimeout(240_000);
    const account = newAccount("talent");
    await register(page, account);
    await startMonthlyTrial(page, account, CARDS.success);
    await waitForStatus(page, "talent", /^Free trial until /);
    await checkPages(browser, page, account, {
      status: /^Free trial until \d{1,2} \w+ \d{4}$/,
      primary: { kind: "manage_billing", name: /^Manage billing$/ },
      payment: /already have a subscription/,
    });
    // A trial never shows a 0 MAD charge, and names its first charge.
    await page.goto("/dashboard/talent/billing");
    await expect(page.getByText(/MAD\s0\.00/)).toHaveCount(0);
    await expect(page.getByTestId("next-charge")).toHaveText(/^MAD\s30\.00 on \d{1,2} \w+ \d{4}$/);

    const { clockId, subscription } = await memberClock(account.email);
    await advanceClock(clockId, (subscription?.trial_end ?? 0) + 2 * 3600);
    await waitForStatus(page, "talent", /^Active, renews on /);
    await checkPages(browser, page, account, {
      status: /^Active, renews on \d{1,2} \w+ \d{4}$/,
      primary: { kind: "manage_billing", name: /^Manage billing$/ },
      payment: /already have a subscription/,
    });
    await page.goto("/dashboard/talent");
    await expect(page.getByRole("row").filter({ hasText: "renewal" })).toContainText(/MAD\s30\.00/);

    await stripe.subscriptions.update(subscription!.id, { cancel_at_period_end: true });
    await waitForStatus(page, "talent", /^Cancels on /);
    await checkPages(browser, page, account, {
      status: /^Cancels on \d{1,2} \w+ \d{4}$/,
      primary: { kind: "manage_billing", name: /^Manage billing$/ },
      payment: /already have a subscription/,
    });

    const cancelling = await stripe.subscriptions.retrieve(subscription!.id);
    await advanceClock(clockId, (cancelling.cancel_at ?? 0) + 3600);
    await waitForStatus(page, "talent", /^Cancelled/);
    await checkPages(browser, page, account, {
      status: /^Cancelled, access ended on \d{1,2} \w+ \d{4}$/,
      primary: { kind: "subscribe_again", name: /^Subscribe again$/ },
      secondary: { kind: "manage_billing", name: /^Manage billing$/ },
      payment: /Pay MAD\s30\.00 and subscribe/,
    });
  });

  test("past due after a failed renewal: update the card, pay the open invoice", async ({
    browser,
    page,
  }) => {
    test.setTimeout(240_000);
    const account = newAccount("talent");
    await register(page, account);
    await startMonthlyTrial(page, account, "4000 0000 0000 0341");
    await waitForStatus(page, "talent", /^Free trial until /);
    const { clockId, subscription } = await memberClock(account.email);
    await advanceClock(clockId, (subscription?.trial_end ?? 0) + 2 * 3600);
    await waitForStatus(page, "talent", /^Payment failed$/);
    await checkPages(browser, page, account, {
      status: /^Payment failed$/,
      primary: { kind: "update_card", name: /^Update your card$/ },
      secondary: { kind: "pay_invoice", name: /^Pay the open invoice \(MAD\s30\.00\)$/ },
      payment: /already have a subscription/,
    });
    await page.goto("/dashboard/talent/billing");
    await expect(
      page.getByRole("status").filter({ hasText: "Your last payment failed" }),
    ).toContainText(
      /We will try again on \d{1,2} \w+ \d{4}\. Your access stops on \d{1,2} \w+ \d{4}/,
    );
    // The card update opens Stripe's portal on the card flow; the invoice its hosted page.
    await page.getByTestId("action-update_card").click();
    await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/.*(portal|session)/);
    await expect(page.getByText(/payment method|card/i).first()).toBeVisible();
    await page.goto("/dashboard/talent/billing");
    await page.getByTestId("action-pay_invoice").click();
    await expect(page).toHaveURL(/\/i\/in_/);
  });

  test("expired: a paid year that ran out (the app's clock)", async ({ browser, page }) => {
    const account = newAccount("talent");
    await register(page, account);
    await payOnce(page, account);
    const year = 366 * DAY * 1000;
    const moved = await page.request.post("/test/clock", { form: { offsetMs: String(year) } });
    expect(moved.status()).toBe(200);
    try {
      await checkPages(browser, page, account, {
        status: /^Expired on \d{1,2} \w+ \d{4}$/,
        primary: { kind: "renew", name: /^Renew for MAD\s300\.00$/ },
        payment: /Pay MAD\s300\.00/,
      });
    } finally {
      await page.request.post("/test/clock", { form: { offsetMs: "0" } });
    }
  });
});

test.describe("site frame", () => {
  test("a real 404 page with the site header and a title", async ({ page }) => {
    const response = await page.goto("/nope");
    expect(response?.status()).toBe(404);
    // After hydration too: the page keeps the language it was rendered in.
    await page.waitForLoadState("networkidle");
    await expect(page).toHaveTitle(/^Page not found \| Talents Acting$/);
    await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText("Talents Acting");
    await expect(page.locator("body")).not.toContainText("No route matches");
    await expectNoSeriousViolations(page);
  });

  test("skip link, visible focus, and focus on the new page's heading after navigation", async ({
    page,
  }) => {
    const account = newAccount("company");
    await register(page, account);
    await page.goto("/dashboard/company");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/#main$/);

    await page.getByRole("link", { name: "Billing and receipts" }).first().click();
    await expect(page).toHaveURL(/\/dashboard\/company\/billing$/);
    await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeFocused();
    await expect(page.locator("[aria-live=polite]").filter({ hasText: "Billing" })).toHaveText(
      /Billing \| Talents Acting/,
    );
  });
});

test("keyboard only: register, choose a plan and pay", async ({ page }) => {
  test.setTimeout(120_000);
  const account = newAccount("professional");

  /** Presses Tab until the focused element matches, as a keyboard user would. */
  async function tabTo(selector: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  await page.goto("/register");
  await tabTo("input[name=name]");
  await page.keyboard.type(account.name);
  await tabTo("input[name=email]");
  await page.keyboard.type(account.email);
  await tabTo("input[name=password]");
  await page.keyboard.type(account.password);
  await tabTo("input[name=role]");
  // Arrow keys move through a radio group: Talent, Professional, Company.
  while (
    !(await page.evaluate(
      () => (document.activeElement as HTMLInputElement).value === "professional",
    ))
  )
    await page.keyboard.press("ArrowRight");
  await tabTo("button[type=submit]");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/professional$/);

  await tabTo("[data-testid=action-choose_plan]");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard\/professional\/payment$/);
  const heading = (name: string) => page.getByRole("heading", { level: 1, name, exact: true });
  await expect(heading("Professional annual access, paid once")).toBeVisible();
  await tabTo("input[name=plan]");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByLabel(/Monthly/)).toBeChecked();
  await expect(heading("Professional access, monthly")).toBeVisible();
  await expect(page.getByRole("button", { name: "Start free trial" })).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByRole("button", { name: "Pay MAD 1,500.00" })).toBeVisible();
  await tabTo("button[type=submit]");
  await page.keyboard.press("Enter");

  const checkoutPage = new StripeCheckoutPage(page);
  await checkoutPage.waitUntilLoaded();
  const fields: [string, string][] = [
    ["#cardNumber", CARDS.success],
    ["#cardExpiry", "12 / 34"],
    ["#cardCvc", "123"],
    ["#billingName", account.name],
  ];
  if (await checkoutPage.email.isEditable()) fields.unshift(["#email", account.email]);
  // Professionals give a billing address (billing_address_collection=required).
  if (await page.locator("#billingAddressLine1").isVisible())
    fields.push(["#billingAddressLine1", "1 Boulevard d'Anfa"], ["#billingLocality", "Casablanca"]);
  for (const [selector, value] of fields) {
    await tabTo(selector);
    await page.keyboard.type(value);
  }
  await tabTo('[data-testid="hosted-payment-submit-button"]');
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/payment\/success/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Payment successful" })).toBeVisible();
});
