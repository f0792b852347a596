import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { startCheckout } from "../../app/payments/checkout.server";
import { confirmCheckoutReturn } from "../../app/payments/success.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { reconcilePendingCheckouts } from "../../app/stripe-events/reconcile.server";
import type { MemberSummary } from "../../app/billing/member-words.server";
import { loader as dashboardLoader } from "../../app/routes/dashboard.$role";
import { loader as billingLoader } from "../../app/routes/dashboard.$role_.billing";
import { loader as invoiceLoader } from "../../app/routes/dashboard.$role_.billing_.invoices.$invoiceId";
import { loader as receiptLoader } from "../../app/routes/dashboard.$role_.billing_.receipts.$paymentId";
import type { Payment, User } from "../../db/schema";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, run } from "../support/requests";
import { TEST_APP_URL } from "../support/app";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

// A company pays its year through the stand-in, which makes a paid invoice (invoice_creation)
// with the company's ICE: the payment row keeps the invoice, its receipt and the company's
// details once, whatever path applies it (webhook in either order and redelivered, success
// page, reconciliation), and the confirmation email links the invoice.
let app: TestAppWithStripe;
let sink: PostmarkSink;
let postmark: EmailTransport;
beforeAll(async () => {
  app = await setupTestAppWithStripe({ env: { TRIAL_DAYS: "0" } });
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url);
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const ICE = "001525428000088";
const COMPANY = "Atlas Productions SARL";

/** A company member (French) pays on Stripe's page with its name and ICE; no event applied yet. */
async function paidAtStripe(role: User["role"] = "company") {
  const user = await createUser(app.db, { role });
  await app.db.updateTable("users").set({ locale: "fr" }).where("id", "=", user.id).execute();
  const result = await startCheckout(
    app.db,
    app.stripe,
    await reloadUser(app.db, user.id),
    new Date(),
  );
  if (result.kind !== "redirect") throw new Error(`checkout: ${result.kind}`);
  const paid = await payOnHostedPage(result.url, {
    email: user.email,
    businessName: role === "talent" ? undefined : COMPANY,
    taxId: role === "talent" ? undefined : ICE,
  });
  expect(paid.status).toBe(303);
  const payment = await paymentRow(result.paymentId);
  const session = await app.stripe.checkout.sessions.retrieve(payment.stripe_checkout_session_id!);
  expect(session.payment_status).toBe("paid");
  const invoice = await app.stripe.invoices.retrieve(session.invoice as string);
  return { user: await reloadUser(app.db, user.id), payment, session, invoice };
}

async function paymentRow(id: number): Promise<Payment> {
  return app.db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

/** The events the stand-in sent for this session and its invoice, in Stripe's order. */
async function eventsFor(session: Stripe.Checkout.Session): Promise<Stripe.Event[]> {
  const all = (await app.stripe.events.list({ limit: 100 })).data.reverse();
  return all.filter((e) => {
    const object = e.data.object as { id?: string };
    return (
      (e.type === "checkout.session.completed" && object.id === session.id) ||
      (e.type.startsWith("invoice.") && object.id === session.invoice)
    );
  });
}

async function apply(events: Stripe.Event[]) {
  for (const event of events) {
    const result = await processVerifiedEvent(event, {
      db: app.db,
      now: new Date(),
      source: "webhook",
      stripe: () => app.stripe,
    });
    expect(result.ok).toBe(true);
  }
}

async function confirmations(paymentId: number) {
  return app.db
    .selectFrom("email_outbox")
    .select(["template", "props"])
    .where("dedupe_key", "=", `payment-confirmation:${paymentId}`)
    .execute();
}

function expectInvoiceKept(row: Payment, invoice: Stripe.Invoice) {
  expect(invoice.number).toMatch(/\S/);
  expect(row).toMatchObject({
    status: "paid",
    stripe_invoice_id: invoice.id,
    invoice_number: invoice.number,
    invoice_url: invoice.hosted_invoice_url,
    invoice_pdf: invoice.invoice_pdf,
  });
  expect(invoice.hosted_invoice_url).toMatch(/^http/);
}

function expectCompanyKept(row: Payment) {
  expect(row).toMatchObject({
    billing_name: COMPANY,
    billing_tax_id_type: "ma_vat",
    billing_tax_id: ICE,
  });
  expect(JSON.parse(row.billing_address!)).toMatchObject({
    line1: "1 Boulevard d'Anfa",
    city: "Casablanca",
    country: "MA",
  });
}

describe("the invoice of a one-time payment, kept on its row", () => {
  it("session event first, then the invoice events, each delivered twice: one row, one email", async () => {
    const { payment, session, invoice } = await paidAtStripe();
    const events = await eventsFor(session);
    const completed = events.filter((e) => e.type === "checkout.session.completed");
    const invoiceEvents = events.filter((e) => e.type.startsWith("invoice."));
    expect(completed).toHaveLength(1);
    expect(invoiceEvents.map((e) => e.type)).toEqual(
      expect.arrayContaining(["invoice.finalized", "invoice.paid"]),
    );

    await apply(completed);
    const afterSession = await paymentRow(payment.id);
    expectInvoiceKept(afterSession, invoice);
    expectCompanyKept(afterSession);
    expect(afterSession.receipt_url).toMatch(/^http/);
    expect(afterSession.card_last4).toBe("4242");

    await apply([...invoiceEvents, ...completed, ...invoiceEvents]);
    const after = await paymentRow(payment.id);
    expect(after).toEqual(afterSession);

    const queued = await confirmations(payment.id);
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]!.props!)).toMatchObject({
      invoiceNumber: invoice.number,
      invoiceUrl: invoice.hosted_invoice_url,
      invoicePdfUrl: invoice.invoice_pdf,
    });
  });

  it("invoice events first (the pending row gets its invoice), then the session: the same row", async () => {
    const { payment, session, invoice } = await paidAtStripe();
    const events = await eventsFor(session);
    const invoiceEvents = events.filter((e) => e.type.startsWith("invoice."));
    const completed = events.filter((e) => e.type === "checkout.session.completed");

    await apply(invoiceEvents);
    const pending = await paymentRow(payment.id);
    expect(pending).toMatchObject({
      status: "pending",
      stripe_invoice_id: invoice.id,
      invoice_number: invoice.number,
      invoice_url: invoice.hosted_invoice_url,
      invoice_pdf: invoice.invoice_pdf,
    });
    const notes = await app.db
      .selectFrom("stripe_webhook_events")
      .select(["event_type", "note"])
      .where(
        "event_id",
        "in",
        invoiceEvents.map((e) => e.id),
      )
      .execute();
    // The first event read the invoice as Stripe has it now; the next has nothing to add.
    expect(notes.find((n) => n.event_type === "invoice.finalized")?.note).toBe(
      `invoice ${invoice.number} kept on payment ${payment.id}`,
    );
    expect(notes.find((n) => n.event_type === "invoice.paid")?.note).toBe(
      `payment ${payment.id} unchanged`,
    );

    await apply([...completed, ...completed, ...invoiceEvents]);
    const row = await paymentRow(payment.id);
    expectInvoiceKept(row, invoice);
    expectCompanyKept(row);
    const queued = await confirmations(payment.id);
    expect(queued).toHaveLength(1);
    expect(JSON.parse(queued[0]!.props!).invoiceUrl).toBe(invoice.hosted_invoice_url);
  });

  it("an invoice event naming another member's payment changes nothing", async () => {
    const { payment, session } = await paidAtStripe();
    const other = await createUser(app.db, { role: "company" });
    const [paidEvent] = (await eventsFor(session)).filter((e) => e.type === "invoice.paid");
    const forged = structuredClone(paidEvent!);
    forged.id = `${paidEvent!.id}_forged`;
    (forged.data.object as Stripe.Invoice).metadata = {
      payment_id: String(payment.id),
      user_id: String(other.id),
    };
    await apply([forged]);
    const row = await paymentRow(payment.id);
    expect(row.stripe_invoice_id).toBeNull();
    expect(row.invoice_url).toBeNull();
  });

  it("the success page fulfils with the invoice, the receipt and the company when it comes first", async () => {
    const { user, payment, session, invoice } = await paidAtStripe();
    const outcome = await confirmCheckoutReturn(app.db, app.stripe, user, session.id, new Date());
    expect(outcome.kind).toBe("paid");
    const row = await paymentRow(payment.id);
    expectInvoiceKept(row, invoice);
    expectCompanyKept(row);
    expect(row.receipt_url).toMatch(/^http/);
    // The webhook afterwards adds nothing and sends nothing more.
    await apply(await eventsFor(session));
    expect(await paymentRow(payment.id)).toEqual(row);
    expect(await confirmations(payment.id)).toHaveLength(1);
  });

  it("the reconciliation fulfils a missed payment with its invoice", async () => {
    const { payment, invoice } = await paidAtStripe();
    const later = new Date(Date.now() + 60 * 60 * 1000);
    const report = await reconcilePendingCheckouts(app.db, app.stripe, later);
    expect(report.errors).toEqual([]);
    expect(report.changed.some((line) => line.startsWith(`payment ${payment.id} `))).toBe(true);
    const row = await paymentRow(payment.id);
    expectInvoiceKept(row, invoice);
    expectCompanyKept(row);
  });

  it("a talent (an individual) gets the invoice, and no tax id", async () => {
    const { payment, session, invoice } = await paidAtStripe("talent");
    await apply(await eventsFor(session));
    const row = await paymentRow(payment.id);
    expectInvoiceKept(row, invoice);
    expect(row.billing_tax_id).toBeNull();
  });

  it("the confirmation email, in French, links the invoice and its PDF", async () => {
    const { user, payment, session, invoice } = await paidAtStripe();
    await apply(await eventsFor(session));
    sink.requests.length = 0;
    await dispatchDueEmails(app.db, postmark, () => new Date());
    const sent = sink.requests.filter((r) => r.body.To === user.email);
    expect(sent).toHaveLength(1);
    const body = sent[0]!.body as { HtmlBody: string; TextBody: string; Subject: string };
    expect(body.Subject).toContain("Paiement re\u00e7u");
    expect(body.HtmlBody).toContain(`href="${invoice.hosted_invoice_url}"`);
    expect(body.HtmlBody).toContain(`href="${invoice.invoice_pdf}"`);
    expect(body.TextBody).toContain(invoice.number!);
    expect(payment.id).toBeGreaterThan(0);
  });
});

/** A member's GET in French (the account's language; the browser asks for French too). */
function frenchGet(path: string, cookie: string): Request {
  return new Request(`${TEST_APP_URL}${path}`, {
    headers: { Cookie: cookie, "Accept-Language": "fr" },
  });
}

describe("the member's pages link each payment's invoice, PDF and receipt", () => {
  it("billing page and dashboard (French): the invoice number, its links, the receipt and the company", async () => {
    const { user, payment, session, invoice } = await paidAtStripe();
    await apply(await eventsFor(session));
    const cookie = await sessionCookieFor(app.db, user);
    const billing = await run<{ member: MemberSummary }>(() =>
      billingLoader(args(frenchGet("/dashboard/company/billing", cookie), { role: "company" })),
    );
    expect(billing.status).toBe(200);
    const member = billing.data!.member;
    const invoicePath = `/dashboard/company/billing/invoices/${invoice.id}`;
    expect(member.history).toHaveLength(1);
    expect(member.history[0]).toMatchObject({
      statusLabel: "Pay\u00e9",
      reference: { label: invoice.number, href: invoicePath },
      pdfHref: `${invoicePath}?format=pdf`,
      receiptHref: `/dashboard/company/billing/receipts/${payment.id}`,
    });
    expect(member.company).toEqual({
      name: COMPANY,
      taxId: { label: "ICE (identifiant fiscal)", value: ICE },
      address: ["1 Boulevard d'Anfa", "Casablanca", "Maroc"],
    });

    const dashboard = await run<{ member: MemberSummary }>(() =>
      dashboardLoader(args(frenchGet("/dashboard/company", cookie), { role: "company" })),
    );
    expect(dashboard.status).toBe(200);
    expect(dashboard.data!.member.history).toEqual(member.history);

    // The links answer Stripe's invoice page, its PDF and the charge's receipt...
    const row = await paymentRow(payment.id);
    const open = async (path: string, params: Record<string, string>, who = cookie) =>
      run(() =>
        (path.includes("/receipts/") ? receiptLoader : invoiceLoader)(
          args(frenchGet(path, who), { role: "company", ...params }),
        ),
      );
    const page = await open(invoicePath, { invoiceId: invoice.id });
    expect(page.status).toBe(303);
    expect(page.headers.get("Location")).toBe(invoice.hosted_invoice_url);
    const pdf = await open(`${invoicePath}?format=pdf`, { invoiceId: invoice.id });
    expect(pdf.headers.get("Location")).toBe(invoice.invoice_pdf);
    const receipt = await open(member.history[0]!.receiptHref!, { paymentId: String(payment.id) });
    expect(receipt.status).toBe(303);
    expect(receipt.headers.get("Location")).toBe(row.receipt_url);
    // ...for the member alone.
    const other = await createUser(app.db, { role: "company" });
    const otherCookie = await sessionCookieFor(app.db, other);
    expect((await open(invoicePath, { invoiceId: invoice.id }, otherCookie)).status).toBe(404);

    // The hosted invoice shows the company's tax id.
    const hosted = await fetch(invoice.hosted_invoice_url!);
    expect(hosted.status).toBe(200);
    expect(await hosted.text()).toContain(ICE);
  });

  it("in English, and a talent sees no company details", async () => {
    const { user, session } = await paidAtStripe("talent");
    await apply(await eventsFor(session));
    await app.db.updateTable("users").set({ locale: "en" }).where("id", "=", user.id).execute();
    const cookie = await sessionCookieFor(app.db, user);
    const billing = await run<{ member: MemberSummary }>(() =>
      billingLoader(args(frenchGet("/dashboard/talent/billing", cookie), { role: "talent" })),
    );
    const member = billing.data!.member;
    expect(member.company).toBeNull();
    expect(member.history[0]).toMatchObject({ statusLabel: "Paid" });
    expect(member.history[0]!.reference?.href).toMatch(/\/billing\/invoices\/in_/);
  });
});
