import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";
import type { Browser, Page } from "@playwright/test";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentSession, startHarness, monthlyPrice } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;
let browser: Browser;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
  browser = await chromium.launch({
    executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
    args: ["--no-sandbox", "--disable-gpu"],
  });
}, 60_000);
afterAll(async () => {
  await browser.close();
  await h.cleanup();
});

/** The steps of Stripe's own sample end-to-end specs for its hosted Checkout page, unchanged. */
async function stripeSampleSteps(page: Page, button: string): Promise<void> {
  await page.fill("#email", "jenny.rosen@example.com");
  await page.fill("#cardNumber", "4242424242424242");
  await page.fill("#cardExpiry", "12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.fill("#billingName", "Jenny Rosen");
  await page.selectOption("#billingCountry", { label: "United States" });
  await page.fill("#billingPostalCode", "10001");
  await page.uncheck("#enableStripePass");
  await page.getByRole("button", { name: button, exact: true }).click();
}

describe("Stripe's sample spec steps on the hosted page, in Chromium", () => {
  it("payment mode: ... press Pay", async () => {
    const session = await createPaymentSession(stripe, {
      success_url: `${h.sim.url}/_sim?paid={CHECKOUT_SESSION_ID}`,
      customer_email: undefined,
    });
    const page = await browser.newPage();
    await page.goto(session.url ?? "");
    await stripeSampleSteps(page, "Pay");
    await page.waitForURL(/paid=cs_test_/);
    const paid = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ["payment_intent.payment_method"],
    });
    expect(paid.status).toBe("complete");
    const pm = (paid.payment_intent as Stripe.PaymentIntent).payment_method as Stripe.PaymentMethod;
    expect(pm.billing_details.address).toMatchObject({ country: "US", postal_code: "10001" });
    await page.close();
  });

  it("subscription mode: the same steps, pressing Subscribe; the postal code shows only for countries that use one", async () => {
    const price = await monthlyPrice(stripe, 3000);
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: `${h.sim.url}/_sim?subscribed={CHECKOUT_SESSION_ID}`,
    });
    const page = await browser.newPage();
    await page.goto(session.url ?? "");
    await expect.poll(() => page.locator("#billingPostalCode").isVisible()).toBe(false);
    await page.selectOption("#billingCountry", { label: "Morocco" });
    expect(await page.locator("#billingPostalCode").isVisible()).toBe(false);
    await page.selectOption("#billingCountry", { label: "United States" });
    expect(await page.locator("#billingPostalCode").isVisible()).toBe(true);
    await stripeSampleSteps(page, "Subscribe");
    await page.waitForURL(/subscribed=cs_test_/);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.status).toBe("complete");
    expect((await stripe.subscriptions.retrieve(done.subscription as string)).status).toBe(
      "active",
    );
    await page.close();
  });
});
