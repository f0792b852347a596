import { render } from "@react-email/render";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import PaymentConfirmationEmail from "../../emails/payment-confirmation";
import { I18nextProvider } from "react-i18next";
import { renderAsDispatched } from "../support/emails";
import { i18nFor } from "../../app/i18n/i18next.server";

const confirmation = {
  name: "Amina",
  planName: "Talent annual membership",
  amount: "300 MAD",
  paidOn: "21 November 2026",
  reference: "pi_test_123",
  accessEndsOn: "21 November 2027",
  dashboardUrl: "http://localhost:3000/dashboard/talent",
};

describe("email templates", () => {
  it("the confirmation names the person, plan, amount, date, reference, end date and dashboard link", async () => {
    const email = await renderAsDispatched("payment-confirmation", confirmation, "en");
    expect(email.subject).toBe("Payment received: Talent annual membership");
    for (const part of [
      "Amina",
      "Talent annual membership",
      "300 MAD",
      "21 November 2026",
      "pi_test_123",
      "21 November 2027",
    ]) {
      expect(email.text).toContain(part);
      expect(email.html).toContain(part);
    }
    // Links to the app keep the email's language.
    expect(email.html).toContain('href="http://localhost:3000/dashboard/talent?lng=en"');
    expect(email.text).toContain("http://localhost:3000/dashboard/talent?lng=en");
    expect(email.html).toMatch(/^<!DOCTYPE html/i);
    expect(email.text).not.toContain("<");
  });

  it("the failure email links to the payment page", async () => {
    const email = await renderAsDispatched(
      "payment-failed",
      {
        name: "Amina",
        planName: "Talent annual membership",
        amount: "300 MAD",
        reference: "cs_test_1",
        paymentUrl: "http://localhost:3000/dashboard/talent/payment",
      },
      "en",
    );
    expect(email.subject).toMatch(/did not go through/);
    expect(email.text).toContain("http://localhost:3000/dashboard/talent/payment?lng=en");
  });

  it("the text part is what react-email's own plain-text rendering makes, email after email", async () => {
    const linked = { ...confirmation, dashboardUrl: `${confirmation.dashboardUrl}?lng=en` };
    const expected = await render(
      createElement(
        I18nextProvider,
        { i18n: i18nFor("en") },
        createElement(PaymentConfirmationEmail, linked),
      ),
      { plainText: true },
    );
    for (let i = 0; i < 2; i++)
      expect((await renderAsDispatched("payment-confirmation", confirmation, "en")).text).toBe(
        expected,
      );
    const other = await renderAsDispatched(
      "payment-confirmation",
      { ...confirmation, name: "Youssef" },
      "en",
    );
    expect(other.text).toBe(expected.replace("Amina", "Youssef"));
  });
});
