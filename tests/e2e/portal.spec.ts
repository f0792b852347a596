import Stripe from "stripe";
import { PortalPage } from "./pages/portal-page";
import { expect, test } from "./support/fixtures";

// These steps drive the stand-in's portal directly through its API (the app has no portal link yet).
const STAND_IN_PORT = Number(process.env.E2E_STRIPE_SIM_PORT ?? 12311);
const stripe = new Stripe("sk_test_e2e_portal", {
  host: "127.0.0.1",
  port: STAND_IN_PORT,
  protocol: "http",
});

async function subscribedCustomer(returnUrl: string) {
  const customer = await stripe.customers.create({
    email: `portal-${Date.now().toString(36)}@example.test`,
    name: "Portal Tester",
    payment_method: "pm_card_visa",
    invoice_settings: { default_payment_method: "pm_card_visa" },
  });
  const monthly = await stripe.prices.create({
    currency: "mad",
    unit_amount: 3000,
    recurring: { interval: "month" },
    product_data: { name: "Monthly membership" },
  });
  const annual = await stripe.prices.create({
    currency: "mad",
    unit_amount: 30000,
    recurring: { interval: "year" },
    product: monthly.product as string,
  });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: monthly.id }],
  });
  const configuration = await stripe.billingPortal.configurations.create({
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      subscription_cancel: {
        enabled: true,
        mode: "at_period_end",
        cancellation_reason: { enabled: true, options: ["too_expensive", "unused", "other"] },
      },
      subscription_update: {
        enabled: true,
        default_allowed_updates: ["price"],
        products: [{ product: monthly.product as string, prices: [monthly.id, annual.id] }],
        proration_behavior: "create_prorations",
      },
    },
  });
  const session = await stripe.billingPortal.sessions.create({
    customer: customer.id,
    return_url: returnUrl,
    configuration: configuration.id,
  });
  return { customer, subscription, session, annual };
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(`customer portal, JavaScript ${javaScriptEnabled ? "on" : "off"}`, () => {
    test.use({ javaScriptEnabled });

    test("cancel at period end with a reason, renew, switch plan, add a card, return to the app", async ({
      page,
      baseURL,
    }, testInfo) => {
      test.skip(
        testInfo.project.name !== "stand-in",
        "drives the stand-in's portal through its API",
      );
      const { customer, subscription, session, annual } = await subscribedCustomer(
        `${baseURL ?? ""}/login`,
      );
      const portal = new PortalPage(page);
      await portal.open(session.url);
      await expect(page.getByText("Invoice history")).toBeVisible();
      await expect(portal.invoiceLinks()).toHaveCount(1);

      await portal.cancel("too_expensive");
      await portal.expectCancellationScheduled();
      const scheduled = await stripe.subscriptions.retrieve(subscription.id);
      expect(scheduled.cancel_at_period_end).toBe(true);
      expect(scheduled.cancellation_details?.feedback).toBe("too_expensive");

      await portal.renew();
      expect((await stripe.subscriptions.retrieve(subscription.id)).cancel_at_period_end).toBe(
        false,
      );

      await portal.switchPlan("MAD 300.00 per year");
      await expect(page.getByText("MAD 300.00 per year").first()).toBeVisible();
      expect((await stripe.subscriptions.retrieve(subscription.id)).items.data[0]?.price.id).toBe(
        annual.id,
      );

      await portal.addCard({ number: "5555 5555 5555 4444" });
      await expect(page.getByText(/4444/).first()).toBeVisible();
      const updated = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
      expect(updated.invoice_settings.default_payment_method).not.toBeNull();

      await portal.backToBusiness();
      await expect(page).toHaveURL(/\/login$/);
    });
  });
}
