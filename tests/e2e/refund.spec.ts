import Stripe from "stripe";
import { expect, mailboxFor, newAccount, payAnnualFee, register, test } from "./support/fixtures";

// A refund made where the business makes them: the Refund button of the stand-in's dashboard
// (Stripe's own dashboard in production). The app hears of it by webhook only.
test.use({ locale: "en-US" });

const STAND_IN_PORT = Number(process.env.E2E_STRIPE_SIM_PORT ?? 12311);
const STAND_IN = `http://127.0.0.1:${STAND_IN_PORT}`;
const stripe = new Stripe("sk_test_e2e_refund", {
  host: "127.0.0.1",
  port: STAND_IN_PORT,
  protocol: "http",
});

test("a paid year refunded from the stand-in's dashboard: the member's dashboard shows the refund and no access", async ({
  page,
}) => {
  const account = newAccount("talent");
  await register(page, account);
  await payAnnualFee(page, account);
  const sessionId = new URL(page.url()).searchParams.get("session_id")!;
  const session = await stripe.checkout.sessions.retrieve(sessionId, {
    expand: ["payment_intent"],
  });
  const chargeId = (session.payment_intent as Stripe.PaymentIntent).latest_charge as string;

  await page.goto(`${STAND_IN}/_sim#payments`);
  await page.getByTestId(`refund-${chargeId}`).click();
  await expect(page).toHaveURL(/\/_sim#payments$/);
  // The charge's row now says what was refunded, and offers no second refund.
  await expect(page.getByTestId(`refund-${chargeId}`)).toHaveCount(0);
  const charge = await stripe.charges.retrieve(chargeId);
  expect(charge.refunded).toBe(true);
  expect(charge.amount_refunded).toBe(30000);

  // The refund's events reach the app through the stand-in's webhook delivery.
  await expect(async () => {
    await page.goto("/dashboard/talent");
    await expect(page.getByText("Refunded, no access").first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByText(/active until/i)).toHaveCount(0);
  await expect(page.getByRole("cell", { name: "Refunded", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Choose a plan" }).first()).toBeVisible();

  // One confirmation, then one "Your refund" email.
  await expect
    .poll(async () => (await mailboxFor(page, account.email)).map((m) => m.subject), {
      timeout: 15_000,
    })
    .toContain("Your refund");
  const subjects = (await mailboxFor(page, account.email)).map((m) => m.subject);
  expect(subjects.filter((s) => s === "Your refund")).toHaveLength(1);
  expect(subjects).toHaveLength(2);
});
