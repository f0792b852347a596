import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import type { Role } from "./support/fixtures";
import {
  CARDS,
  PRICE_LABEL,
  expect,
  mailboxFor,
  newAccount,
  register,
  test,
} from "./support/fixtures";

const roles: Role[] = ["talent", "professional", "company"];

for (const role of roles) {
  test(`@checkout a ${role} pays the annual fee and becomes Active`, async ({ page }) => {
    const account = newAccount(role);
    await register(page, account);
    await expect(page.getByText("None").first()).toBeVisible();

    await page.getByRole("link", { name: "Choose a plan" }).click();
    await expect(page).toHaveURL(`/dashboard/${role}/payment`);
    await expect(page.getByText(PRICE_LABEL[role]).first()).toBeVisible();

    await page.getByRole("button", { name: `Pay ${PRICE_LABEL[role]}` }).click();
    const checkout = new StripeCheckoutPage(page);
    await checkout.pay({ number: CARDS.success, email: account.email, name: account.name });

    await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
    await expect(page.getByText(/active until/i).first()).toBeVisible();

    await page.goto(`/dashboard/${role}`);
    await expect(page.getByText(/active until/i).first()).toBeVisible();
    await expect(page.getByRole("cell", { name: PRICE_LABEL[role] })).toBeVisible();

    await expect
      .poll(async () => (await mailboxFor(page, account.email)).length, { timeout: 15_000 })
      .toBe(1);
    const [email] = await mailboxFor(page, account.email);
    expect(email?.status).toBe("sent");
    // The email is in the member's language (this browser's English): "MAD 1,500.00".
    expect(email?.text.replace(/\u00a0/g, " ")).toContain(PRICE_LABEL[role]);
  });
}

test("@checkout a declined card shows the decline and the user stays None", async ({ page }) => {
  const account = newAccount("talent");
  await register(page, account);
  await page.goto("/dashboard/talent/payment");
  await page.getByRole("button", { name: "Pay MAD 300.00" }).click();

  const checkout = new StripeCheckoutPage(page);
  await checkout.pay({ number: CARDS.insufficientFunds, email: account.email });
  await checkout.expectDeclined(/insufficient funds/i);

  await page.goto("/dashboard/talent");
  await expect(page.getByText("None").first()).toBeVisible();
  await expect(page.getByText(/active until/i)).toHaveCount(0);
  expect(await mailboxFor(page, account.email)).toHaveLength(0);
});

test("@checkout cancelling on the checkout page returns to /payment/cancel", async ({ page }) => {
  const account = newAccount("professional");
  await register(page, account);
  await page.goto("/dashboard/professional/payment");
  await page.getByRole("button", { name: "Pay MAD 1,500.00" }).click();

  await new StripeCheckoutPage(page).goBack();
  await expect(page).toHaveURL(/\/payment\/cancel/);
  await expect(page.getByText(/cancel/i).first()).toBeVisible();
  await page.getByRole("link", { name: /payment page/i }).click();
  await expect(page).toHaveURL("/dashboard/professional/payment");
  await expect(page.getByText("None").first()).toBeVisible();
});

// Stripe's own 3-D Secure challenge sits in a frame of the issuer's; this walks the stand-in's.
// Untagged, so only the stand-in project runs it (the test-mode project greps @checkout).
test("a card that needs 3-D Secure pays after the challenge is completed", async ({ page }) => {
  const account = newAccount("company");
  await register(page, account);
  await page.goto("/dashboard/company/payment");
  await page.getByRole("button", { name: "Pay MAD 3,500.00" }).click();

  const checkout = new StripeCheckoutPage(page);
  await checkout.pay({ number: CARDS.threeDSecure, email: account.email, name: account.name });
  await page.getByRole("button", { name: "Fail authentication" }).click();
  await checkout.expectDeclined(/unable to authenticate your payment method/i);

  await checkout.pay({ number: CARDS.threeDSecure, email: account.email, name: account.name });
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
  await expect(page.getByText(/active until/i).first()).toBeVisible();
  await expect
    .poll(async () => (await mailboxFor(page, account.email)).length, { timeout: 15_000 })
    .toBe(1);
});
