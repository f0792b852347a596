import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCustomerPortal } from "../../app/billing/portal.server";
import { startSubscriptionCheckout } from "../../app/billing/subscription-checkout.server";
import { startCheckout } from "../../app/payments/checkout.server";
import { action as changeLanguage } from "../../app/routes/language";
import type { User } from "../../db/schema";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, run } from "../support/requests";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";
import { TEST_APP_URL } from "../support/app";

// What the app sends to Stripe, read back from the stand-in: the language of Stripe's pages,
// the invoice of a one-time payment, the tax id for businesses; and that none of it changes
// what is charged.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe({ env: { TRIAL_DAYS: "0" } });
});
afterAll(async () => {
  await app.close();
});

async function member(role: User["role"], locale: "fr" | "en" | null): Promise<User> {
  const user = await createUser(app.db, { role });
  await app.db.updateTable("users").set({ locale }).where("id", "=", user.id).execute();
  return reloadUser(app.db, user.id);
}

async function oneTimeSession(user: User) {
  const result = await startCheckout(app.db, app.stripe, user, new Date());
  expect(result.kind).toBe("redirect");
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  return app.stripe.checkout.sessions.retrieve(payment.stripe_checkout_session_id!);
}

describe("Checkout Sessions", () => {
  it("a French company: locale fr, an invoice with the plan and the platform, tax id and address asked", async () => {
    const session = await oneTimeSession(await member("company", "fr"));
    expect(session.locale).toBe("fr");
    expect(session.mode).toBe("payment");
    expect(session.amount_total).toBe(350_000);
    expect(session.currency).toBe("mad");
    expect(session.invoice_creation?.enabled).toBe(true);
    expect(session.invoice_creation?.invoice_data.description).toBe(
      "formule annuelle Entreprise\u00a0: un an d'acc\u00e8s \u00e0 Talents Acting",
    );
    expect(session.invoice_creation?.invoice_data.footer).toMatch(/^Talents Acting/);
    expect(session.tax_id_collection?.enabled).toBe(true);
    expect(session.billing_address_collection).toBe("required");
  });

  it("an English professional: locale en, the same invoice and tax id, in English", async () => {
    const session = await oneTimeSession(await member("professional", "en"));
    expect(session.locale).toBe("en");
    expect(session.amount_total).toBe(150_000);
    expect(session.invoice_creation?.invoice_data.description).toBe(
      "Professional annual access: one year of access to Talents Acting",
    );
    expect(session.tax_id_collection?.enabled).toBe(true);
  });

  it("a talent is an individual: an invoice, no tax id", async () => {
    const session = await oneTimeSession(await member("talent", null));
    expect(session.locale).toBe("fr");
    expect(session.amount_total).toBe(30_000);
    expect(session.invoice_creation?.enabled).toBe(true);
    expect(session.tax_id_collection?.enabled ?? false).toBe(false);
  });

  it("a subscription Checkout speaks the member's language too", async () => {
    const user = await member("talent", "en");
    const result = await startSubscriptionCheckout(app.db, app.stripe, user, "monthly", new Date());
    expect(result.kind).toBe("redirect");
    const payment = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    const session = await app.stripe.checkout.sessions.retrieve(
      payment.stripe_checkout_session_id!,
    );
    expect(session.locale).toBe("en");
    expect(session.mode).toBe("subscription");
  });
});

describe("the customer and the portal", () => {
  it("a new customer prefers the member's language, and follows the switcher", async () => {
    const user = await member("company", "fr");
    await oneTimeSession(user);
    const row = await app.db
      .selectFrom("stripe_customers")
      .select("stripe_customer_id")
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    const before = await app.stripe.customers.retrieve(row.stripe_customer_id);
    expect(!before.deleted && before.preferred_locales).toEqual(["fr"]);

    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await run(() =>
      changeLanguage(
        args(
          new Request(`${TEST_APP_URL}/language`, {
            method: "POST",
            headers: {
              "Content-Type": "application/x-www-form-urlencoded",
              Origin: TEST_APP_URL,
              Cookie: cookie,
            },
            body: new URLSearchParams({ lng: "en", redirectTo: "/dashboard/company" }),
          }),
        ),
      ),
    );
    expect(outcome.status).toBe(303);
    const after = await app.stripe.customers.retrieve(row.stripe_customer_id);
    expect(!after.deleted && after.preferred_locales).toEqual(["en"]);

    // The portal session carries the locale: the stand-in's portal page is in English now.
    const portal = await openCustomerPortal(app.db, app.stripe, await reloadUser(app.db, user.id));
    if (portal.kind !== "redirect") throw new Error(`no portal: ${JSON.stringify(portal)}`);
    const page = await (await fetch(portal.url)).text();
    expect(page).toMatch(/<html lang="en"/);
    await app.db.updateTable("users").set({ locale: "fr" }).where("id", "=", user.id).execute();
    const french = await openCustomerPortal(app.db, app.stripe, await reloadUser(app.db, user.id));
    if (french.kind !== "redirect") throw new Error("no portal");
    expect(await (await fetch(french.url)).text()).toMatch(/<html lang="fr"/);
  });
});
