import type { Browser, Page } from "@playwright/test";
import type { Account } from "./support/fixtures";
import {
  expect,
  newAccount,
  payAnnualFee,
  payFromPaymentPage,
  register,
  test,
} from "./support/fixtures";

// The talent directory in a browser: the paywall on a profile, paying to see the contact email,
// and a talent's year ending. Time moves through the app's clock seam (/test/clock, on for
// servers started with APP_TEST_CLOCK=1), never by sleeping.

const YEAR_AND_A_DAY_MS = 366 * 24 * 60 * 60 * 1000;

async function setClock(page: Page, offsetMs: number): Promise<void> {
  const response = await page.request.post("/test/clock", { form: { offsetMs: String(offsetMs) } });
  expect(response.status()).toBe(200);
}

/** A talent with a paid year and a headline, in their own browser context. */
async function payingTalent(
  browser: Browser,
  headline: string,
): Promise<{ account: Account; page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const account = { ...newAccount("talent"), name: `Talent ${Date.now().toString(36)}` };
  await register(page, account);
  await payAnnualFee(page, account);
  await page.goto("/dashboard/talent");
  await page.getByLabel("Headline").fill(headline);
  await page.getByRole("button", { name: "Save headline" }).click();
  await expect(page.getByText("Headline saved.")).toBeVisible();
  return { account, page, close: () => context.close() };
}

test.afterEach(async ({ page }) => {
  await setClock(page, 0);
});

test("a professional without access sees the paywall on a talent profile, pays, then sees the email", async ({
  page,
  browser,
}) => {
  const talent = await payingTalent(browser, "Stage and screen actor, Rabat");
  await talent.close();

  const pro = newAccount("professional");
  await register(page, pro);
  await page.getByRole("link", { name: "Talent directory" }).click();
  await expect(page).toHaveURL("/talents");
  await page.getByLabel("Search by name").fill(talent.account.name);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("row", { name: new RegExp(talent.account.name) });
  await expect(row).toContainText("Stage and screen actor, Rabat");
  await row.getByRole("link", { name: talent.account.name }).click();

  await expect(page.getByRole("heading", { name: talent.account.name })).toBeVisible();
  await expect(page.getByText("Become a member to see talents' contact details.")).toBeVisible();
  const paywalled = await page.request.get(page.url());
  expect(paywalled.status()).toBe(403);
  expect(paywalled.headers()["cache-control"]).toBe("private, no-store");
  await expect(page.getByText(talent.account.email)).toHaveCount(0);
  const profileUrl = page.url();

  await page.getByRole("link", { name: "Choose your plan" }).click();
  await expect(page).toHaveURL("/dashboard/professional/payment");
  await payFromPaymentPage(page, pro);

  const unlocked = await page.goto(profileUrl);
  expect(unlocked?.status()).toBe(200);
  expect(unlocked?.headers()["cache-control"]).toBe("private, no-store");
  await expect(page.getByRole("link", { name: talent.account.email })).toBeVisible();
  await expect(page.getByText("Become a member to see")).toHaveCount(0);
});

test("a talent whose year has ended is no longer listed", async ({ page, browser }) => {
  const talent = await payingTalent(browser, "Voice actor");
  const search = `/talents?q=${encodeURIComponent(talent.account.name)}`;
  await talent.page.goto(search);
  await expect(talent.page.getByRole("link", { name: talent.account.name })).toBeVisible();
  const profilePath = new URL(
    await talent.page
      .getByRole("link", { name: talent.account.name })
      .evaluate((a) => (a as HTMLAnchorElement).href),
  ).pathname;

  // Another member, to look the talent up from outside.
  const company = newAccount("company");
  await register(page, company);
  await page.goto(profilePath);
  await expect(page.getByRole("heading", { name: talent.account.name })).toBeVisible();

  await setClock(page, YEAR_AND_A_DAY_MS);

  await talent.page.goto(search);
  await expect(talent.page.getByText("No talents found.")).toBeVisible();
  await expect(talent.page.getByRole("link", { name: talent.account.name })).toHaveCount(0);
  // The talent still sees their own profile, marked as not listed.
  await talent.page.goto(profilePath);
  await expect(talent.page.getByText("Your profile is not listed in the directory")).toBeVisible();

  const gone = await page.goto(profilePath);
  expect(gone?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Talent not found" })).toBeVisible();
  await talent.close();
});
