import type { Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";

export type CancellationReason =
  | "too_expensive"
  | "missing_features"
  | "switched_service"
  | "unused"
  | "customer_service"
  | "too_complex"
  | "low_quality"
  | "other";

/**
 * Stripe's hosted customer portal, found by the selectors of Stripe's own portal, so the same
 * steps drive the stand-in's portal and Stripe test mode.
 */
export class PortalPage {
  readonly main: Locator;
  readonly cancelSubscription: Locator;
  readonly confirm: Locator;
  readonly returnToBusiness: Locator;

  constructor(readonly page: Page) {
    this.main = page.locator('[data-testid="page-container-main"]');
    this.cancelSubscription = page.locator('[data-test="cancel-subscription"]');
    this.confirm = page.locator('[data-testid="confirm"]');
    this.returnToBusiness = page.locator('[data-testid="return-to-business-link"]');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.expectLoaded();
  }

  async expectLoaded(): Promise<void> {
    await expect(this.page.getByText("Current subscription").first()).toBeVisible({
      timeout: 30_000,
    });
    await expect(this.page.getByText(/^Payment methods?$/).first()).toBeVisible();
  }

  /** Cancel, confirm, then give a reason or skip the reason step when the portal asks for one. */
  async cancel(reason?: CancellationReason): Promise<void> {
    await this.cancelSubscription.first().click();
    await expect(this.page.getByText("Cancel your subscription").first()).toBeVisible();
    await this.confirm.click();
    const submit = this.page.locator('[data-testid="cancellation_reason_submit"]');
    const skip = this.page.locator('[data-testid="cancellation_reason_cancel"]');
    await expect(submit.or(this.page.getByText("Current subscription")).first()).toBeVisible();
    if (!(await submit.isVisible())) return;
    if (reason) {
      await this.page.locator(`[data-test="cancel-reason-opt-${reason}"]`).check();
      await submit.click();
    } else {
      await skip.click();
    }
  }

  async expectCancellationScheduled(): Promise<void> {
    await expect(this.page.getByText(/^\s*Cancels /).first()).toBeVisible();
  }

  async renew(): Promise<void> {
    await this.page.getByRole("button", { name: /renew/i }).first().click();
    await expect(this.cancelSubscription.first()).toBeVisible();
  }

  /** "Update plan", then the plan whose box shows `priceText` (e.g. "MAD 300.00 per year"). */
  async switchPlan(priceText: string | RegExp): Promise<void> {
    await this.page
      .getByRole("link", { name: "Update plan" })
      .or(this.page.getByRole("button", { name: "Update plan" }))
      .first()
      .click();
    const option = this.page.locator('[data-testid="plan-option"]').filter({ hasText: priceText });
    await option.getByRole("button", { name: /select/i }).click();
  }

  async addCard(card: {
    number: string;
    expiry?: string;
    cvc?: string;
    name?: string;
  }): Promise<void> {
    await this.page.getByText("Add payment method").first().click();
    await this.page.locator("#cardNumber").fill(card.number);
    await this.page.locator("#cardExpiry").fill(card.expiry ?? "12 / 34");
    await this.page.locator("#cardCvc").fill(card.cvc ?? "123");
    const name = this.page.locator("#billingName");
    if (await name.isVisible()) await name.fill(card.name ?? "Test Payer");
    await this.confirm.click();
  }

  invoiceLinks(): Locator {
    return this.page
      .getByText("Invoice history")
      .locator("xpath=ancestor::section")
      .getByRole("link");
  }

  async backToBusiness(): Promise<void> {
    await this.returnToBusiness.click();
  }
}
