import type { Page } from "@playwright/test";
import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import { CARDS, expect, mailboxFor, newAccount, test } from "./support/fixtures";

// A Moroccan company, in French: it pays its year (3,500 MAD) with its ICE, finds the invoice
// on its dashboard and billing page, opens it and sees its tax id, reads its confirmation
// email in French; then switches to English and finds the same pages in English.
test.use({ locale: "fr-FR", extraHTTPHeaders: { "Accept-Language": "fr" } });

const ICE = "001525428000088";
const COMPANY = "Atlas Productions SARL";
/** Intl writes French amounts with narrow no-break spaces: compare with plain spaces. */
const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

/** Registers through the form by its field names, whatever the page's language. */
async function registerCompany(page: Page, account: ReturnType<typeof newAccount>) {
  await page.goto("/register");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await page.locator('input[name="name"]').fill(account.name);
  await page.locator('input[name="email"]').fill(account.email);
  await page.locator('input[name="password"]').fill(account.password);
  await page.locator('input[name="role"][value="company"]').check();
  await page.locator('form[method="post"] button[type="submit"]').last().click();
  await expect(page).toHaveURL(/\/dashboard\/company$/);
}

test("a company pays with its ICE, and finds its invoice and details in French, then in English", async ({
  page,
}) => {
  const account = newAccount("company");
  await registerCompany(page, account);

  await page.goto("/dashboard/company/payment");
  await page
    .getByRole("button", { name: /3[\s\u00a0\u202f,]?500/ })
    .first()
    .click();
  const checkout = new StripeCheckoutPage(page);
  await checkout.waitUntilLoaded();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await checkout.pay({
    number: CARDS.success,
    email: account.email,
    name: account.name,
    businessName: COMPANY,
    taxId: ICE,
  });

  // The success page, in French.
  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);
  const successUrl = page.url();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Paiement r\u00e9ussi");
  await expect(page.getByText(/Merci\s*!\s*Votre acc\u00e8s est actif jusqu'au \d/)).toBeVisible();

  // The dashboard: the payment, its invoice number and links, in French.
  await page.goto("/dashboard/company");
  await expect(page.getByRole("heading", { name: "Historique des paiements" })).toBeVisible();
  const row = page.locator("table.stack tbody tr").first();
  await expect(row).toContainText("Pay\u00e9");
  expect(plain(await row.textContent())).toContain("3 500,00 MAD");
  const invoiceLink = row.locator('a[href*="/billing/invoices/in_"]').first();
  const invoiceNumber = (await invoiceLink.textContent())?.trim() ?? "";
  expect(invoiceNumber).toMatch(/^[A-Z0-9]+-\d{4}$/);
  await expect(row.getByRole("link", { name: `${invoiceNumber} en PDF` })).toBeVisible();
  await expect(row.getByRole("link", { name: `Re\u00e7u de ${invoiceNumber}` })).toBeVisible();

  // The billing page: the company's details and the same links, in French.
  await page.goto("/dashboard/company/billing");
  await expect(page.getByRole("heading", { name: "Informations de l'entreprise" })).toBeVisible();
  const details = page.getByTestId("company-details");
  await expect(details).toContainText("Raison sociale");
  await expect(details).toContainText(COMPANY);
  await expect(details).toContainText("ICE (identifiant fiscal)");
  await expect(details).toContainText(ICE);
  await expect(details).toContainText("Casablanca");
  await expect(details).toContainText("Maroc");
  const billingRow = page.locator("table.stack tbody tr").first();
  await expect(billingRow.getByRole("link", { name: invoiceNumber, exact: true })).toBeVisible();

  // The invoice link opens Stripe's hosted invoice, which shows the company's tax id.
  await billingRow.getByRole("link", { name: invoiceNumber, exact: true }).click();
  await expect(page).toHaveURL(/\/i\/in_/);
  await expect(page.getByText(ICE).first()).toBeVisible();
  await expect(page.getByText(invoiceNumber).first()).toBeVisible();

  // The confirmation email, in French, links the invoice.
  await expect
    .poll(async () => (await mailboxFor(page, account.email)).length, { timeout: 15_000 })
    .toBe(1);
  const [email] = await mailboxFor(page, account.email);
  expect(plain(email!.subject)).toBe("Paiement re\u00e7u : formule annuelle Entreprise");
  expect(plain(email!.text)).toContain("3 500,00 MAD");
  expect(plain(email!.text)).toContain(`Facture : ${invoiceNumber}`);
  expect(email!.text).toMatch(/Voir votre facture[\s\S]*\/i\/in_/);

  // English, through the switcher: the same pages in English.
  await page.goto("/dashboard/company/billing");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Company details" })).toBeVisible();
  await expect(page.getByTestId("company-details")).toContainText("ICE (tax id)");
  await expect(page.getByTestId("company-details")).toContainText("Morocco");
  const englishRow = page.locator("table.stack tbody tr").first();
  await expect(englishRow).toContainText("Paid");
  expect(plain(await englishRow.textContent())).toContain("MAD 3,500.00");
  await expect(englishRow.getByRole("link", { name: invoiceNumber, exact: true })).toBeVisible();
  await expect(
    englishRow.getByRole("link", { name: `Receipt for ${invoiceNumber}` }),
  ).toBeVisible();

  await page.goto("/dashboard/company");
  await expect(page.getByRole("heading", { name: "Payment history" })).toBeVisible();
  await expect(page.locator("table.stack tbody tr").first()).toContainText("Paid");

  await page.goto(successUrl);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Payment successful");
});
