import type { Page } from "@playwright/test";
import Stripe from "stripe";
import { PortalPage } from "./pages/portal-page";
import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import { CARDS, expect, mailboxFor, newAccount, register, test } from "./support/fixtures";

// A member's billing time moves with the test clock their customer lives on (the server runs
// with STRIPE_TEST_CLOCKS=true), through the Stripe API: the stand-in's, or Stripe test mode's.
const STAND_IN_PORT = Number(process.env.E2E_STRIPE_SIM_PORT ?? 12311);

function stripeFor(projectName: string): Stripe {
  if (projectName === "stripe-test-mode")
    return new Stripe(process.env.E2E_STRIPE_SECRET_KEY ?? "");
  return new Stripe("sk_test_e2e_billing_clock", {
    host: "127.0.0.1",
    port: STAND_IN_PORT,
    protocol: "http",
  });
}

async function memberSubscription(stripe: Stripe, email: string) {
  const customer = (await stripe.customers.list({ email, limit: 1 })).data[0];
  if (!customer?.test_clock) throw new Error(`no customer on a test clock for ${email}`);
  const subscription = (
    await stripe.subscriptions.list({ customer: customer.id, status: "all", limit: 1 })
  ).data[0];
  if (!subscription) throw new Error(`no subscription for ${email}`);
  return {
    clockId: typeof customer.test_clock === "string" ? customer.test_clock : customer.test_clock.id,
    subscription,
  };
}

/** Stripe advances a clock at most two billing intervals at a time: monthly plans go in steps. */
const MAX_STEP_SECONDS = 56 * 24 * 60 * 60;

async function advanceClock(stripe: Stripe, clockId: string, to: number): Promise<void> {
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

/** The billing page's status in words, reloaded until webhooks have landed. */
async function expectStatus(page: Page, expected: RegExp | string): Promise<void> {
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await page.getByTestId("member-status").textContent())?.trim();
      },
      { timeout: 60_000 },
    )
    .toMatch(expected);
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`auto-renewing membership, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("@billing a talent starts a monthly trial, it converts to a paid invoice, they cancel in the portal, and it ends Cancelled", async ({
      page,
    }, testInfo) => {
      test.setTimeout(240_000);
      const stripe = stripeFor(testInfo.project.name);
      const account = newAccount("talent");
      await register(page, account);

      await page.goto("/dashboard/talent/payment");
      await expect(page.getByLabel(/paid once/)).toBeChecked();
      await page.getByLabel(/Monthly/).check();
      await expect(page.getByText("180 days free, then MAD 30.00 a month")).toBeVisible();
      await page.getByRole("button", { name: "Start free trial" }).click();
      await new StripeCheckoutPage(page).pay({ number: CARDS.success, email: account.email });

      await expect(page.getByRole("heading", { name: "Your free trial has started" })).toBeVisible({
        timeout: 60_000,
      });
      await page.getByRole("link", { name: "Go to billing" }).click();
      await expect(page.getByTestId("member-status")).toHaveText(
        /^Free trial until \d{1,2} \w+ \d{4}$/,
      );
      await expect(page.getByText("Visa ending in 4242")).toBeVisible();

      // The payment page no longer offers a second subscription.
      await page.goto("/dashboard/talent/payment");
      await expect(page.getByText(/already have a subscription/)).toBeVisible();
      await expect(page.getByRole("button", { name: "Start free trial" })).toHaveCount(0);
      await page.getByRole("link", { name: "Manage it on your billing page" }).click();

      // The trial passes: the first monthly invoice is paid.
      const { clockId, subscription } = await memberSubscription(stripe, account.email);
      await advanceClock(stripe, clockId, (subscription.trial_end ?? 0) + 2 * 3600);
      await expectStatus(page, /^Active, renews on /);
      await expect(
        page
          .getByRole("row")
          .filter({ hasText: "renewal" })
          .filter({ hasText: "MAD 30.00" })
          .filter({ hasText: "Paid" }),
      ).toBeVisible();

      // Manage billing: cancel in the portal, come back.
      await page.getByTestId("action-manage_billing").click();
      const portal = new PortalPage(page);
      await portal.expectLoaded();
      await portal.cancel();
      await portal.expectCancellationScheduled();
      await portal.returnToBusiness.click();
      await expect(page).toHaveURL(/\/dashboard\/talent\/billing$/);
      await expectStatus(page, /^Cancels on /);

      // After the period the subscription has ended.
      const { subscription: scheduled } = await memberSubscription(stripe, account.email);
      await advanceClock(stripe, clockId, (scheduled.cancel_at ?? 0) + 3600);
      await expectStatus(page, "Cancelled");

      // One email per step of the lifecycle, sent through the outbox. (The clock jumped over the
      // trial's last days, so Stripe's trial_will_end arrived after the trial ended: no reminder.)
      await expect
        .poll(async () => (await mailboxFor(page, account.email)).map((m) => m.subject).sort(), {
          timeout: 30_000,
        })
        .toEqual(
          [
            "Your free trial has started: Talent membership, monthly",
            "Receipt: your Talent membership, monthly renewed",
            "Your Talent membership, monthly has ended",
          ].sort(),
        );
    });
  });
}
