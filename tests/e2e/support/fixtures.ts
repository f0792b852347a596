import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { test as base, expect } from "@playwright/test";
import { StripeCheckoutPage } from "../pages/stripe-checkout-page";

export type Role = "talent" | "professional" | "company";

export const ROLE_LABEL: Record<Role, string> = {
  talent: "Talent",
  professional: "Professional",
  company: "Company",
};
export const PRICE_LABEL: Record<Role, string> = {
  talent: "MAD 300.00",
  professional: "MAD 1,500.00",
  company: "MAD 3,500.00",
};

export const CARDS = {
  success: "4242 4242 4242 4242",
  insufficientFunds: "4000 0000 0000 9995",
  threeDSecure: "4000 0025 0000 3155",
} as const;

export interface Account {
  name: string;
  email: string;
  password: string;
  role: Role;
}

export function newAccount(role: Role): Account {
  const tag = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  return {
    name: `${ROLE_LABEL[role]} Tester`,
    email: `${role}-${tag}@example.test`,
    password: "correct horse battery",
    role,
  };
}

export async function register(page: Page, account: Account): Promise<void> {
  await page.goto("/register");
  // By field name, so the page may be in either language (the browser's).
  await page.locator('input[name="name"]').fill(account.name);
  await page.locator('input[name="email"]').fill(account.email);
  await page.locator('input[name="password"]').fill(account.password);
  await page.locator(`input[name="role"][value="${account.role}"]`).check();
  await page.getByRole("button", { name: /create account|cr\u00e9er le compte/i }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/${account.role}$`));
}

/** Pays the member's annual fee with a card that succeeds, from the payment page to the success page. */
export async function payAnnualFee(page: Page, account: Account): Promise<void> {
  await page.goto(`/dashboard/${account.role}/payment`);
  await payFromPaymentPage(page, account);
}

/** On the payment page already open: pays the annual fee with a card that succeeds. */
export async function payFromPaymentPage(page: Page, account: Account): Promise<void> {
  await page.getByRole("button", { name: `Pay ${PRICE_LABEL[account.role]}` }).click();
  await new StripeCheckoutPage(page).pay({
    number: CARDS.success,
    email: account.email,
    name: account.name,
  });
  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
  await expect(page.getByText(/active until/i).first()).toBeVisible();
}

interface MailboxMessage {
  to_email: string;
  subject: string;
  text: string;
  status: string;
}

export async function mailboxFor(page: Page, email: string): Promise<MailboxMessage[]> {
  const response = await page.request.get("/dev/mailbox?format=json");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { messages: MailboxMessage[] };
  return body.messages.filter((m) => m.to_email === email);
}

/** Specs tagged @checkout also run in the "stripe-test-mode" project, which needs real test keys. */
export const test = base.extend<{ realStripeOnlyWhenKeys: void }>({
  realStripeOnlyWhenKeys: [
    // Playwright reads the fixtures a function needs from its first parameter: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, testInfo) => {
      testInfo.skip(
        testInfo.project.name === "stripe-test-mode" && !process.env.E2E_STRIPE_SECRET_KEY,
        "Stripe test mode needs E2E_STRIPE_SECRET_KEY (and stripe listen for webhooks)",
      );
      await use();
    },
    { auto: true },
  ],
});

export { expect };
