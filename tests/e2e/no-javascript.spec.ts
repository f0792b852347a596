import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import { CARDS, expect, mailboxFor, newAccount, register, test } from "./support/fixtures";

// Stripe's real hosted page needs JavaScript, so this spec runs against the stand-in only: it is
// untagged, and the test-mode project runs only specs tagged @checkout.
test.use({ javaScriptEnabled: false });

test("a talent registers and pays with JavaScript disabled", async ({ page }) => {
  const account = newAccount("talent");
  await register(page, account);

  await page.goto("/dashboard/talent/payment");
  await page.getByRole("button", { name: "Pay MAD 300.00" }).click();
  const checkout = new StripeCheckoutPage(page);
  await checkout.pay({ number: CARDS.success, email: account.email, name: account.name });

  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
  await expect(page.getByText(/active until/i).first()).toBeVisible();
  await page.goto("/dashboard/talent");
  await expect(page.getByText(/active until/i).first()).toBeVisible();
  await expect
    .poll(async () => (await mailboxFor(page, account.email)).length, { timeout: 15_000 })
    .toBe(1);
});
