import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { enqueueEmail } from "../../app/email/outbox.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser } from "../support/factories";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { args } from "../support/requests";
import { sessionForPayment, stripeEvent, webhookRequest } from "../support/stripe-events";

// Emails are written in the recipient's language when the dispatcher sends them: the account's
// language at that moment, not when the event was queued.
let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;
beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url);
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

async function setLocale(userId: number, locale: string | null) {
  await app.db.updateTable("users").set({ locale }).where("id", "=", userId).execute();
}

/** A company member pays 3,500 MAD; the webhook queues the confirmation. */
async function paidCompany(name: string) {
  const user = await createUser(app.db, { role: "company", name });
  const payment = await createPendingPayment(app.db, user, { plan: "company_annual_access" });
  await app.db
    .updateTable("payments")
    .set({ amount: 350_000, currency: "mad" })
    .where("id", "=", payment.id)
    .execute();
  const session = sessionForPayment({ ...payment, amount: 350_000, currency: "mad" }, {});
  const response = await webhookAction(
    args(webhookRequest(JSON.stringify(stripeEvent("checkout.session.completed", session)))),
  );
  expect(response.status).toBe(200);
  return user;
}

async function sentTo(email: string) {
  sink.requests.length = 0;
  await dispatchDueEmails(app.db, postmark, () => new Date());
  const sent = sink.requests.filter((r) => r.body.To === email);
  expect(sent).toHaveLength(1);
  const body = sent[0]!.body;
  return {
    subject: String(body.Subject),
    text: plain(String(body.TextBody)),
    html: String(body.HtmlBody),
  };
}

describe("emails in the recipient's language", () => {
  it("a French member's confirmation is French: words, amount, dates, plan, and links that keep it", async () => {
    const user = await paidCompany("Soci\u00e9t\u00e9 Atlas");
    await setLocale(user.id, "fr");
    const email = await sentTo(user.email);
    expect(plain(email.subject)).toBe("Paiement re\u00e7u : formule annuelle Entreprise");
    expect(email.text).toContain("Bonjour Soci\u00e9t\u00e9 Atlas,");
    expect(email.text).toContain("Montant : 3 500,00 MAD");
    expect(email.text).toMatch(/Acc\u00e8s jusqu'au : \d{1,2} [a-z\u00e9\u00fb]+ \d{4}/);
    expect(email.text).toContain("http://localhost:3000/dashboard/company?lng=fr");
    expect(email.html).toMatch(/<html[^>]*lang="fr"/);
    expect(email.text).not.toMatch(/Payment|Amount|Hello/);
  });

  it("an English member's is English", async () => {
    const user = await paidCompany("Atlas Films");
    await setLocale(user.id, "en");
    const email = await sentTo(user.email);
    expect(email.subject).toBe("Payment received: Company annual access");
    expect(email.text).toContain("Hello Atlas Films,");
    expect(email.text).toContain("Amount: MAD 3,500.00");
    expect(email.text).toMatch(/Access until: \d{1,2} [A-Z][a-z]+ \d{4}/);
    expect(email.text).toContain("http://localhost:3000/dashboard/company?lng=en");
    expect(email.html).toMatch(/<html[^>]*lang="en"/);
  });

  it("follows the language the member has when it is sent, not when it was queued", async () => {
    const user = await createUser(app.db, { role: "talent", name: "Yasmine" });
    await setLocale(user.id, "en");
    const payment = await createPendingPayment(app.db, user, { plan: "talent_annual_membership" });
    const session = sessionForPayment(payment, {});
    await webhookAction(
      args(webhookRequest(JSON.stringify(stripeEvent("checkout.session.completed", session)))),
    );
    await setLocale(user.id, "fr");
    const email = await sentTo(user.email);
    expect(plain(email.subject)).toBe("Paiement re\u00e7u : adh\u00e9sion annuelle Talent");
  });

  it("is French for an account that never chose (older accounts)", async () => {
    const user = await paidCompany("Ancien Compte");
    await setLocale(user.id, null);
    expect((await sentTo(user.email)).subject).toMatch(/^Paiement re\u00e7u/);
  });

  it("still sends a row queued before languages, its written values as they are", async () => {
    const user = await createUser(app.db, { name: "Omar" });
    await setLocale(user.id, "fr");
    await enqueueEmail(app.db, {
      dedupeKey: `legacy:${user.id}`,
      to: user.email,
      template: "payment-confirmation",
      props: {
        name: "Omar",
        planName: "Talent annual membership",
        amount: "300 MAD",
        paidOn: "21 November 2026",
        reference: "cs_test_legacy",
        accessEndsOn: "21 November 2027",
        dashboardUrl: "http://localhost:3000/dashboard/talent",
      },
    });
    await app.db
      .updateTable("email_outbox")
      .set({ template_version: 1 })
      .where("dedupe_key", "=", `legacy:${user.id}`)
      .execute();
    const email = await sentTo(user.email);
    expect(plain(email.subject)).toBe("Paiement re\u00e7u : Talent annual membership");
    expect(email.text).toContain("Montant : 300 MAD");
    expect(email.text).toContain("21 November 2027");
  });
});
