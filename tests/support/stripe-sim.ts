import type Stripe from "stripe";
import type { DeliveryKnobs, StripeSim } from "../../stripe-sim/index";
import { stripe } from "../../app/lib/stripe.server";
import { setupTestApp, TEST_WEBHOOK_SECRETS, type TestApp, type TestAppOptions } from "./app";
import { startStandIn } from "./stand-in";

export type { StripeSim };

export interface TestAppWithStripe extends TestApp {
  sim: StripeSim;
  /** the app's own Stripe client (stripe()), pointed at the stand-in */
  stripe: Stripe;
}

export interface TestStripeOptions extends Omit<TestAppOptions, "stripeApiBase"> {
  /** where the stand-in delivers signed webhooks; default none (tests deliver them) */
  forwardTo?: string | null;
  delivery?: Partial<DeliveryKnobs>;
}

/**
 * setupTestApp plus a Stripe stand-in on a free port. Webhook forwarding is off unless
 * `forwardTo` is given; events are signed with TEST_WEBHOOK_SECRETS[0].
 */
export async function setupTestAppWithStripe(
  options: TestStripeOptions = {},
): Promise<TestAppWithStripe> {
  const standIn = await startStandIn({
    forwardTo: options.forwardTo ?? null,
    webhookSecret: TEST_WEBHOOK_SECRETS[0],
    delivery: options.delivery,
  });
  const app = await setupTestApp({ ...options, stripeApiBase: standIn.sim.url });
  return {
    ...app,
    sim: standIn.sim,
    stripe: stripe(),
    async close() {
      await app.close();
      await standIn.cleanup();
    },
  };
}

export interface CardPayment {
  cardNumber?: string;
  email?: string;
  billingName?: string;
  /** a business's name and tax id (asked of Professionals and Companies: tax_id_collection) */
  businessName?: string;
  taxId?: string;
}

/**
 * Pays a Checkout Session on the stand-in's hosted page as a browser without JavaScript
 * would, and answers the page's response (a 303 to success_url when the card succeeds).
 */
export async function payOnHostedPage(
  checkoutUrl: string,
  card: CardPayment = {},
): Promise<Response> {
  return fetch(checkoutUrl, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      email: card.email ?? "payer@example.test",
      cardNumber: card.cardNumber ?? "4242 4242 4242 4242",
      cardExpiry: "12 / 34",
      cardCvc: "123",
      billingName: card.billingName ?? "Test Payer",
      // Asked of Professionals and Companies (billing_address_collection=required).
      billingAddressLine1: "1 Boulevard d'Anfa",
      billingLocality: "Casablanca",
      ...(card.businessName ? { businessName: card.businessName } : {}),
      ...(card.taxId ? { taxIdType: "ma_vat", taxId: card.taxId } : {}),
    }),
  });
}
