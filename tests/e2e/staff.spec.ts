import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "@playwright/test";
import { E2E_PORT } from "../playwright.config";
import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import { CARDS, expect, newAccount, register, test, type Account } from "./support/fixtures";

// A staff member finds a member by email, refunds their year with a reason, and sees the member
// lose access and the audit entry; once with JavaScript and once without.

const root = fileURLToPath(new URL("../..", import.meta.url));

/** `npm run staff:grant -- <email>` against the e2e server's database. */
function grantStaff(email: string): void {
  const output = execFileSync("npx", ["tsx", "app/cli/staff.ts", "grant", email], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `tests/.tmp/e2e-${E2E_PORT}/app.db` },
    encoding: "utf8",
  });
  expect(output).toContain(`${email} is now staff`);
}

async function paidMember(browser: Browser, javaScriptEnabled: boolean): Promise<Account> {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const account = newAccount("talent");
  await register(page, account);
  await page.goto("/dashboard/talent/payment");
  await page.getByRole("button", { name: "Pay MAD 300.00" }).click();
  await new StripeCheckoutPage(page).pay({
    number: CARDS.success,
    email: account.email,
    name: account.name,
  });
  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
  await context.close();
  return account;
}

async function memberStatus(page: Page): Promise<string> {
  await page.reload();
  return (await page.getByTestId("member-status").textContent()) ?? "";
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`staff console, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("a staff member finds a member by email, refunds their year, and sees the access go and the audit entry", async ({
      page,
      browser,
    }) => {
      const member = await paidMember(browser, javaScriptEnabled);
      const staff = newAccount("company");
      await register(page, staff);
      // Before the flag the console is not there.
      expect((await page.goto("/staff"))?.status()).toBe(404);
      grantStaff(staff.email);

      await page.goto("/staff/members");
      await page.getByLabel("Name or email").fill(member.email);
      await page.getByRole("button", { name: "Filter" }).click();
      await page.getByRole("link", { name: member.name }).first().click();
      await expect(page.getByRole("heading", { level: 1, name: member.name })).toBeVisible();
      await expect(page.getByTestId("member-status")).toContainText("Active");

      const refundForm = page.locator("form.staff-action", {
        has: page.getByRole("button", { name: "Refund" }),
      });
      await expect(refundForm.getByLabel(/Amount in minor units/)).toHaveValue("30000");
      await refundForm.getByLabel("Reason").fill("Left the programme in the first week");
      await refundForm.getByRole("button", { name: "Refund" }).click();
      await expect(page.getByRole("status")).toContainText(
        "Refund of MAD 300.00 requested from Stripe",
      );

      // The refund's webhook takes the access away.
      await expect.poll(() => memberStatus(page), { timeout: 20_000 }).not.toContain("Active");
      const audit = page.getByRole("region", { name: "Staff actions about this member" });
      await expect(audit).toContainText("refund");
      await expect(audit).toContainText("Left the programme in the first week");
      await expect(audit).toContainText(staff.email);

      await page.goto("/staff/audit");
      const firstRow = page.getByRole("row").nth(1);
      await expect(firstRow).toContainText("refund");
      await expect(firstRow).toContainText("Left the programme in the first week");
    });
  });
}
