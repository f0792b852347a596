import type { Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";

export interface CardDetails {
  number: string;
  expiry?: string;
  cvc?: string;
  name?: string;
  email?: string;
  /** for Stripe's own page; default 10001 */
  postalCode?: string;
  /** a business's name and tax id (ICE), asked of Professionals and Companies */
  businessName?: string;
  taxId?: string;
}

/**
 * Stripe's hosted Checkout page, found by the selectors of Stripe's own page, so the same
 * specs drive the embedded stand-in and Stripe test mode.
 */
export class StripeCheckoutPage {
  readonly email: Locator;
  readonly cardNumber: Locator;
  readonly cardExpiry: Locator;
  readonly cardCvc: Locator;
  readonly billingName: Locator;
  readonly submit: Locator;

  constructor(readonly page: Page) {
    this.email = page.locator("#email");
    this.cardNumber = page.locator("#cardNumber");
    this.cardExpiry = page.locator("#cardExpiry");
    this.cardCvc = page.locator("#cardCvc");
    this.billingName = page.locator("#billingName");
    this.submit = page.locator('[data-testid="hosted-payment-submit-button"]');
  }

  async waitUntilLoaded(): Promise<void> {
    await expect(this.cardNumber).toBeVisible({ timeout: 30_000 });
  }

  async expectTotal(text: string | RegExp): Promise<void> {
    await expect(this.page.getByText(text).first()).toBeVisible();
  }

  async fill(card: CardDetails): Promise<void> {
    await this.waitUntilLoaded();
    if (card.email) {
      // The page shows the customer's email read-only when the session has a customer: then it
      // must already be the one we expect, never silently left as something else.
      if (await this.email.isEditable()) await this.email.fill(card.email);
      else await expect(this.email).toHaveValue(card.email);
    }
    await this.cardNumber.fill(card.number);
    await this.cardExpiry.fill(card.expiry ?? "12 / 34");
    await this.cardCvc.fill(card.cvc ?? "123");
    await this.billingName.fill(card.name ?? "Test Payer");
    // Stripe's own page asks for a postal code (US billing address by default); the stand-in
    // does not. Decided by whose page this is, so a missing field fails instead of being skipped.
    if (new URL(this.page.url()).hostname.endsWith("stripe.com"))
      await this.page.locator("#billingPostalCode").fill(card.postalCode ?? "10001");
    // Professionals and Companies give a billing address (billing_address_collection=required).
    const addressLine = this.page.locator("#billingAddressLine1");
    if (await addressLine.isVisible()) {
      await addressLine.fill("1 Boulevard d'Anfa");
      await this.page.locator("#billingLocality").fill("Casablanca");
    }
    if (card.taxId) {
      await this.page.locator("#businessName").fill(card.businessName ?? "Test Company");
      await this.page.locator("#taxId").fill(card.taxId);
    }
  }

  async pay(card: CardDetails): Promise<void> {
    await this.fill(card);
    await this.submit.click();
  }

  async expectDeclined(message: string | RegExp): Promise<void> {
    await expect(this.page.getByText(message).first()).toBeVisible();
    await expect(this.submit).toBeVisible();
  }

  async goBack(): Promise<void> {
    await this.waitUntilLoaded();
    await this.page
      .locator('[data-testid="business-link"]')
      .or(this.page.getByRole("link", { name: /back/i }))
      .first()
      .click();
  }
}
