import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router-dom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentOutcome } from "../../app/components/payment-outcome";
import { i18nFor } from "../../app/i18n/i18next.server";
import { I18nextProvider } from "react-i18next";
import type { CheckoutReturn } from "../../app/payments/success.server";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import { loader as successLoader } from "../../app/routes/payment.success";
import type { User } from "../../db/schema";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

// The success page's outcomes other than "paid" and "processing", against the Stripe stand-in,
// each with the state it leaves and the page the member sees.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

type SuccessData = { user: { role: User["role"] }; result: CheckoutReturn };

async function checkoutFor(user: User) {
  const cookie = await sessionCookieFor(app.db, user);
  const submit = await run(() =>
    payAction(
      args(formRequest(`/dashboard/${user.role}/payment`, {}, cookie), { role: user.role }),
    ),
  );
  expect(submit.status).toBe(303);
  const payment = await app.db
    .selectFrom("payments")
    .selectAll()
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  return { cookie, payment, checkoutUrl: submit.headers.get("Location")! };
}

async function visit(sessionId: string, cookie: string) {
  const outcome = await run<SuccessData>(() =>
    successLoader(args(getRequest(`/payment/success?session_id=${sessionId}`, cookie))),
  );
  // Rendered as the server renders it, in the language the test's request asks for (English).
  const page = renderToStaticMarkup(
    createElement(
      I18nextProvider,
      { i18n: i18nFor("en", ["payment"]) },
      createElement(
        MemoryRouter,
        null,
        createElement(PaymentOutcome, {
          result: outcome.data!.result,
          role: outcome.data!.user.role,
        }),
      ),
    ),
  );
  return { status: outcome.status, result: outcome.data!.result, page };
}

async function stateOf(user: User) {
  const payments = await app.db
    .selectFrom("payments")
    .select(["status", "failure_message"])
    .where("user_id", "=", user.id)
    .execute();
  const emails = await app.db
    .selectFrom("email_outbox")
    .select("id")
    .where("to_email", "=", user.email)
    .execute();
  return {
    subscription: (await reloadUser(app.db, user.id)).subscription_status,
    payments,
    emails: emails.length,
  };
}

describe("/payment/success outcomes", () => {
  it("Stripe answers 404 for a session we have a row for: 404 page, nothing written", async () => {
    const user = await createUser(app.db);
    const { cookie, payment } = await checkoutFor(user);
    const unknown = "cs_test_notknownbystripe0001";
    await app.db
      .updateTable("payments")
      .set({ stripe_checkout_session_id: unknown })
      .where("id", "=", payment.id)
      .execute();

    const { status, result, page } = await visit(unknown, cookie);
    expect(status).toBe(404);
    expect(result).toMatchObject({ kind: "problem", status: 404 });
    expect(page).toContain("We could not show this payment");
    expect(page).toContain("We could not find this payment for your account");
    expect(await stateOf(user)).toEqual({
      subscription: "NONE",
      payments: [{ status: "pending", failure_message: null }],
      emails: 0,
    });
  });

  it("a paid session whose client_reference_id names another member is a 404 and fulfils nothing", async () => {
    const owner = await createUser(app.db);
    const intruder = await createUser(app.db);
    const { checkoutUrl, payment } = await checkoutFor(owner);
    expect((await payOnHostedPage(checkoutUrl)).status).toBe(303);
    // The row says the intruder (as if rows were mixed up); Stripe says the owner: Stripe wins.
    await app.db
      .updateTable("payments")
      .set({ user_id: intruder.id })
      .where("id", "=", payment.id)
      .execute();
    const cookie = await sessionCookieFor(app.db, intruder);

    const { status, page } = await visit(payment.stripe_checkout_session_id!, cookie);
    expect(status).toBe(404);
    expect(page).toContain("We could not find this payment for your account");
    expect(await stateOf(intruder)).toEqual({
      subscription: "NONE",
      payments: [{ status: "pending", failure_message: null }],
      emails: 0,
    });
    expect((await reloadUser(app.db, owner.id)).subscription_status).toBe("NONE");
  });

  it("an expired session shows Checkout expired with a link to the payment page, and changes nothing", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const { cookie, payment } = await checkoutFor(user);
    await app.stripe.checkout.sessions.expire(payment.stripe_checkout_session_id!);

    const { status, result, page } = await visit(payment.stripe_checkout_session_id!, cookie);
    expect(status).toBe(200);
    expect(result.kind).toBe("expired");
    expect(page).toContain("Checkout expired");
    expect(page).toContain('href="/dashboard/professional/payment"');
    expect(await stateOf(user)).toMatchObject({ subscription: "NONE", emails: 0 });
  });

  it.each([
    ["amount", { amount: 100 }, /Stripe reported 30000 mad, expected 100 mad/],
    ["currency", { currency: "eur" }, /Stripe reported 30000 mad, expected 30000 eur/],
  ] as const)(
    "an %s mismatch answers 409 with a calm message, records it and grants nothing",
    async (_what, change, recorded) => {
      const user = await createUser(app.db);
      const { cookie, payment, checkoutUrl } = await checkoutFor(user);
      expect((await payOnHostedPage(checkoutUrl)).status).toBe(303);
      await app.db.updateTable("payments").set(change).where("id", "=", payment.id).execute();

      const { status, result, page } = await visit(payment.stripe_checkout_session_id!, cookie);
      expect(status).toBe(409);
      expect(result).toMatchObject({ kind: "problem", status: 409 });
      expect(page).toContain("We could not confirm this payment automatically");
      const state = await stateOf(user);
      expect(state).toMatchObject({ subscription: "NONE", emails: 0 });
      expect(state.payments).toEqual([
        { status: "pending", failure_message: expect.stringMatching(recorded) },
      ]);
    },
  );
});
