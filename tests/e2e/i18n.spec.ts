import { expect, test } from "./support/fixtures";

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
