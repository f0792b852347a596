import { StripeCheckoutPage } from "./pages/stripe-checkout-page";
import { CARDS, expect, mailboxFor, newAccount, register, test } from "./support/fixtures";

// The browser asks for French, as a Moroccan member's usually does.
test.use({ locale: "fr-FR" });

test("pages come in the browser's language, hydrate cleanly, and the switcher changes it", async ({
  page,
}) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  await page.goto("/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page).toHaveTitle("Connexion | Talents Acting");
  await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
  await expect(page.getByLabel("Mot de passe")).toBeVisible();

  // A client-side navigation and back: the catalogs of the next page load on the way.
  await page.getByRole("link", { name: "S'inscrire" }).click();
  await expect(page).toHaveURL(/\/register$/);
  await page.getByRole("link", { name: "Se connecter" }).first().click();
  await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();

  await page.getByRole("button", { name: "English" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "English" })).toHaveAttribute(
    "aria-current",
    "true",
  );
  // The choice outlives the page: a new visit stays in English despite the browser's French.
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();

  await page.getByRole("button", { name: "Fran\u00e7ais" }).click();
  await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
  expect(problems).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the switcher still works", async ({ page }) => {
    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
    await page.getByRole("button", { name: "English" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  });
});

test("a company pays 3,500 MAD with its ICE on Stripe's page in French, and its confirmation is French", async ({
  page,
}) => {
  const account = newAccount("company");
  await register(page, account);
  await page.goto("/dashboard/company/payment");
  await page
    .getByRole("button", { name: /3,500 MAD|3 500/ })
    .first()
    .click();

  // Stripe's page in the member's language, with the tax id asked of a company.
  const checkout = new StripeCheckoutPage(page);
  await checkout.waitUntilLoaded();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.locator("#taxId")).toBeVisible();
  await checkout.pay({
    number: CARDS.success,
    email: account.email,
    name: account.name,
    businessName: "Atlas Productions SARL",
    taxId: "001525428000088",
  });
  await expect(page).toHaveURL(/\/payment\/success\?session_id=cs_test_/);

  await expect
    .poll(async () => (await mailboxFor(page, account.email)).length, { timeout: 15_000 })
    .toBe(1);
  const [email] = await mailboxFor(page, account.email);
  expect(email?.subject.replace(/\u00a0/g, " ")).toBe(
    "Paiement re\u00e7u : formule annuelle Entreprise",
  );
  expect(email?.text.replace(/[\u00a0\u202f]/g, " ")).toContain("3 500,00 MAD");
});
