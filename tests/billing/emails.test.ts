import { describe, expect, it } from "vitest";
import { renderAsDispatched } from "../support/emails";

function expectBoth(email: { html: string; text: string }, parts: string[]) {
  for (const part of parts) {
    expect(email.text).toContain(part);
    expect(email.html).toContain(part);
  }
  expect(email.html).toMatch(/^<!DOCTYPE html/i);
  expect(email.text).not.toContain("<");
}

describe("billing email templates (HTML and text versions, rendered as the dispatcher does)", () => {
  it("subscription started: a trial says until when and what follows; a paid start is the payment confirmation", async () => {
    const trial = await renderAsDispatched(
      "subscription-started",
      {
        name: "Amina",
        planName: "Talent membership, monthly",
        price: "30 MAD a month",
        trialEndsOn: "21 May 2027",
        amountPaid: null,
        renewsOn: "21 May 2027",
        reference: "sub_1",
        billingUrl: "http://localhost:3000/dashboard/talent/billing",
      },
      "en",
    );
    expect(trial.subject).toBe("Your free trial has started: Talent membership, monthly");
    expectBoth(trial, [
      "Amina",
      "21 May 2027",
      "30 MAD a month",
      "sub_1",
      "http://localhost:3000/dashboard/talent/billing",
    ]);
    const paid = await renderAsDispatched(
      "subscription-started",
      {
        name: "Amina",
        planName: "Company access, yearly",
        price: "3,500 MAD a year",
        trialEndsOn: null,
        amountPaid: "3,500 MAD",
        renewsOn: "21 November 2027",
        reference: "sub_2",
        billingUrl: "http://localhost:3000/dashboard/company/billing",
      },
      "en",
    );
    expect(paid.subject).toBe("Payment received: Company access, yearly");
    expectBoth(paid, ["Paid today: 3,500 MAD", "Next renewal: 21 November 2027"]);
  });

  it("trial ending, renewal receipt with the invoice link, payment failed with the portal link, cancelled", async () => {
    const ending = await renderAsDispatched(
      "trial-ending",
      {
        name: "A",
        planName: "P",
        trialEndsOn: "1 June 2027",
        price: "30 MAD a month",
        billingUrl: "http://localhost:3000/b",
      },
      "en",
    );
    expect(ending.subject).toBe("Your free trial ends on 1 June 2027");
    expectBoth(ending, ["1 June 2027", "30 MAD a month", "http://localhost:3000/b"]);

    const receipt = await renderAsDispatched(
      "renewal-receipt",
      {
        name: "A",
        planName: "P",
        amount: "30 MAD",
        paidOn: "1 June 2027",
        invoiceNumber: "X-0002",
        periodEndsOn: "1 July 2027",
        invoiceUrl: "https://invoice.example/i/1",
      },
      "en",
    );
    expectBoth(receipt, ["30 MAD", "X-0002", "1 July 2027", "https://invoice.example/i/1"]);

    const failed = await renderAsDispatched(
      "subscription-payment-failed",
      {
        name: "A",
        planName: "P",
        amount: "30 MAD",
        invoiceNumber: "X-3",
        updateCardUrl: "http://localhost:3000/billing/portal",
      },
      "en",
    );
    expect(failed.subject).toMatch(/failed/);
    expectBoth(failed, ["30 MAD", "X-3", "http://localhost:3000/billing/portal"]);

    const cancelled = await renderAsDispatched(
      "subscription-cancelled",
      {
        name: "A",
        planName: "P",
        endedOn: "1 July 2027",
        unpaid: true,
        paymentUrl: "http://localhost:3000/p",
      },
      "en",
    );
    expectBoth(cancelled, ["1 July 2027", "could not be collected", "http://localhost:3000/p"]);
  });
});
