import type { Page } from "@playwright/test";
import { expect, newAccount, payFromPaymentPage, register, test } from "./support/fixtures";

/** Console messages Chromium prints when the app's Content-Security-Policy blocks something. */
function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (
      /Content[- ]Security[- ]Policy|Refused to (execute|load|run|apply|send|frame|connect)/i.test(
        text,
      )
    )
      violations.push(text);
  });
  return violations;
}

/** Register, dashboard, payment page, Stripe's page, success page, dashboard again. */
async function payingMemberJourney(page: Page): Promise<void> {
  const account = newAccount("talent");
  await register(page, account);
  await page.goto("/dashboard/talent/payment");
  await expect(page.getByRole("button", { name: "Pay MAD 300.00" })).toBeVisible();
  await payFromPaymentPage(page, account);
  await page.goto("/dashboard/talent");
  await expect(page.getByText(/active until/i).first()).toBeVisible();
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`with JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("the pages work under the Content-Security-Policy, with no violation reported", async ({
      page,
    }) => {
      const violations = collectCspViolations(page);
      await payingMemberJourney(page);
      expect(violations).toEqual([]);
    });
  });
}

test("with JavaScript on, the app hydrates: client-side navigation runs under the policy", async ({
  page,
}) => {
  const violations = collectCspViolations(page);
  const account = newAccount("company");
  await register(page, account);
  // A client-side navigation fetches .data instead of a document: only hydrated React does that.
  const dataRequest = page.waitForRequest((r) => r.url().includes(".data"));
  await page.getByTestId("action-choose_plan").click();
  await dataRequest;
  await expect(page).toHaveURL("/dashboard/company/payment");
  expect(violations).toEqual([]);
});

test("HTML responses carry a per-request nonce policy and the security headers; every script has the nonce", async ({
  request,
}) => {
  const first = await request.get("/register");
  const second = await request.get("/register");
  const policy = first.headers()["content-security-policy"] ?? "";
  expect(policy).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  for (const directive of [
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self' http://",
  ]) {
    expect(policy).toContain(directive);
  }
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? "";
  expect(/'nonce-([^']+)'/.exec(second.headers()["content-security-policy"] ?? "")?.[1]).not.toBe(
    nonce,
  );
  expect(first.headers()["x-content-type-options"]).toBe("nosniff");
  expect(first.headers()["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // APP_URL is http://localhost here: no HSTS.
  expect(first.headers()["strict-transport-security"]).toBeUndefined();

  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("signed-in pages and their data are never cached", async ({ page }) => {
  await register(page, newAccount("professional"));
  const response = await page.request.get("/dashboard/professional");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("private, no-store");
  const data = await page.request.get("/dashboard/professional/payment.data");
  expect(data.headers()["cache-control"]).toBe("private, no-store");
});

test("a POST from another site's page answers 403 with a short page, signing nobody out", async ({
  page,
}) => {
  await register(page, newAccount("talent"));
  const response = await page.request.post("/logout", {
    headers: { Origin: "https://evil.example" },
    form: {},
  });
  expect(response.status()).toBe(403);
  expect(await response.text()).toContain("sent from another site");
  await page.goto("/dashboard/talent");
  await expect(page).toHaveURL("/dashboard/talent");
});

test("a login body over 16 KiB answers 413", async ({ request }) => {
  const response = await request.post("/login", {
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    data: `email=a%40example.com&password=${"x".repeat(200 * 1024)}`,
  });
  expect(response.status()).toBe(413);
});
