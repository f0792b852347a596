import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { enqueueEmail } from "../../app/email/outbox.server";
import {
  renderStoredTemplate,
  templateVersion,
  type TemplateName,
} from "../../app/email/templates.server";
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

/** The newest templates, rendered as the dispatcher renders a row queued by today's code. */
async function rendered(name: TemplateName, props: object, language: "fr" | "en") {
  const email = await renderStoredTemplate(
    name,
    templateVersion(name),
    JSON.stringify(props),
    language,
  );
  return { subject: plain(email.subject), text: plain(email.text), html: email.html };
}

describe("refund, second membership, renewal notice and dispute notice in both languages", () => {
  const refund = {
    name: "Amina",
    plan: "company_annual_access",
    paidFor: "Company annual access",
    amount: { amount: 350_000, currency: "mad" },
    full: true,
    accessEnded: true,
    reference: "re_123",
    dashboardUrl: "http://localhost:3000/dashboard/company",
  };

  it("the refund", async () => {
    const fr = await rendered("refund", refund, "fr");
    expect(fr.subject).toBe("Votre remboursement");
    expect(fr.text).toContain(
      "Nous avons rembours\u00e9 3 500,00 MAD pour votre formule annuelle Entreprise. R\u00e9f\u00e9rence : re_123.",
    );
    expect(fr.text).toContain("l'acc\u00e8s qu'il payait a donc pris fin");
    expect(fr.text).toContain("http://localhost:3000/dashboard/company?lng=fr");
    expect(fr.html).toMatch(/<html[^>]*lang="fr"/);
    expect(fr.text).not.toMatch(/refunded|Hello|Company/);

    const en = await rendered("refund", { ...refund, full: false, accessEnded: false }, "en");
    expect(en.subject).toBe("Your refund");
    expect(en.text).toContain(
      "We refunded MAD 3,500.00 for your Company annual access (part of the payment).",
    );
    expect(en.text).toContain("Your access is unchanged.");
    expect(en.text).toContain("http://localhost:3000/dashboard/company?lng=en");

    const invoice = await rendered(
      "refund",
      { ...refund, plan: undefined, invoiceNumber: "ABCD-0002", paidFor: "invoice ABCD-0002" },
      "fr",
    );
    expect(invoice.text).toContain("pour votre facture ABCD-0002.");
  });

  const conflict = {
    name: "Amina",
    keptPlan: "talent_monthly",
    kept: "Talent membership, monthly",
    endedPlan: "talent_annual_membership",
    ended: "Talent annual membership",
    refunded: { amount: 30_000, currency: "mad" },
    dashboardUrl: "http://localhost:3000/dashboard/talent",
  };

  it("the second membership's refund explanation", async () => {
    const fr = await rendered("membership-conflict", conflict, "fr");
    expect(fr.subject).toBe(
      "Vous avez achet\u00e9 une seconde adh\u00e9sion : nous l'avons rembours\u00e9e",
    );
    expect(fr.text).toContain("Vous aviez d\u00e9j\u00e0 une adh\u00e9sion Talent mensuelle");
    expect(fr.text).toContain("adh\u00e9sion annuelle Talent");
    expect(fr.text).toContain("rembours\u00e9 300,00 MAD");
    expect(fr.text).toContain("?lng=fr");
    expect(fr.text).not.toMatch(/membership|refunded/);

    const en = await rendered("membership-conflict", { ...conflict, refunded: null }, "en");
    expect(en.subject).toBe("You bought a second membership: we refunded it");
    expect(en.text).toContain("You already had a Talent membership, monthly");
    expect(en.text).toContain("nothing had been charged for it");
    expect(en.text).toContain("?lng=en");
  });

  const notice = {
    name: "Amina",
    plan: "talent_yearly",
    planName: "Talent membership, yearly",
    amount: { amount: 30_000, currency: "mad" },
    renewsOn: "2027-12-12T10:00:00.000Z",
    manageUrl: "http://localhost:3000/billing/portal",
  };

  it("the notice before a yearly renewal", async () => {
    const fr = await rendered("renewal-notice", notice, "fr");
    expect(fr.subject).toBe("Votre adh\u00e9sion se renouvelle le 12 d\u00e9cembre 2027");
    expect(fr.text).toContain(
      "Votre adh\u00e9sion Talent annuelle se renouvelle le 12 d\u00e9cembre 2027 et nous d\u00e9biterons 300,00 MAD",
    );
    expect(fr.text).toContain("http://localhost:3000/billing/portal?lng=fr");

    const en = await rendered("renewal-notice", notice, "en");
    expect(en.subject).toBe("Your membership renews on 12 December 2027");
    expect(en.text).toContain("we will charge MAD 300.00");
    expect(en.text).toContain("http://localhost:3000/billing/portal?lng=en");
  });

  const dispute = {
    outcome: "opened",
    disputeId: "dp_1",
    chargeId: "ch_1",
    amount: { amount: 30_000, currency: "mad" },
    reason: "fraudulent",
    member: "Amina <amina@example.com> (#12)",
    effect: "suspended",
  };

  it("the staff's dispute notice (French unless the staff address is an English member's)", async () => {
    const fr = await rendered("dispute-notice", dispute, "fr");
    expect(fr.subject).toBe("Litige ouvert : 300,00 MAD");
    expect(fr.text).toContain("Litige dp_1 sur le paiement ch_1 : 300,00 MAD, motif fraudulent.");
    expect(fr.text).toContain("L'acc\u00e8s du membre est suspendu");

    const en = await rendered(
      "dispute-notice",
      { ...dispute, outcome: "won", effect: "restored", member: null },
      "en",
    );
    expect(en.subject).toBe("Dispute won: MAD 300.00");
    expect(en.text).toContain("Member: none, the charge was not paid through this app.");
    expect(en.text).toContain("The dispute was won: what it withheld grants access again.");
  });

  it("older rows (written English values) still render", async () => {
    const email = await renderStoredTemplate(
      "renewal-notice",
      1,
      JSON.stringify({ ...notice, amount: "300 MAD", renewsOn: "12 December 2027" }),
      "fr",
    );
    expect(plain(email.subject)).toBe("Votre adh\u00e9sion se renouvelle le 12 December 2027");
    expect(plain(email.text)).toContain("300 MAD");
  });
});
