import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cardFields,
  getPage,
  postForm,
  startHarness,
  advanceTo,
  clockCustomer,
  DAY,
  eventsFor,
  monthlyPrice,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

const START = Date.UTC(2026, 6, 1, 10) / 1000;

/**
 * Reads a PDF the way a reader starts to: header, trailer, startxref pointing at the xref
 * table, every xref offset pointing at its "n 0 obj", the catalog's page tree, and each stream's
 * /Length matching its bytes. Returns the text shown by Tj operators.
 */
function parsePdf(bytes: Buffer): { pages: number; text: string[] } {
  const body = bytes.toString("latin1");
  if (!body.startsWith("%PDF-1.")) throw new Error("no %PDF header");
  if (!body.trimEnd().endsWith("%%EOF")) throw new Error("no %%EOF");
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(body)?.[1]);
  if (!body.startsWith("xref", startxref)) throw new Error("startxref does not point at xref");
  const xref = /^xref\s+0\s+(\d+)\s+([\s\S]*?)trailer/.exec(body.slice(startxref));
  const count = Number(xref?.[1]);
  const entries = (xref?.[2] ?? "").trim().split(/\n/).slice(1);
  if (entries.length !== count - 1) throw new Error("xref entry count mismatch");
  const objects = new Map<number, string>();
  entries.forEach((entry, index) => {
    const offset = Number(entry.slice(0, 10));
    const header = `${index + 1} 0 obj`;
    if (!body.startsWith(header, offset))
      throw new Error(`xref offset of object ${index + 1} is wrong`);
    objects.set(index + 1, body.slice(offset + header.length, body.indexOf("endobj", offset)));
  });
  const root = Number(/\/Root (\d+) 0 R/.exec(body.slice(startxref))?.[1]);
  const pagesRef = Number(/\/Pages (\d+) 0 R/.exec(objects.get(root) ?? "")?.[1]);
  const pages = Number(/\/Count (\d+)/.exec(objects.get(pagesRef) ?? "")?.[1]);
  const text: string[] = [];
  for (const object of objects.values()) {
    const stream = /\/Length (\d+) >>\nstream\n([\s\S]*)\nendstream/.exec(object);
    if (!stream) continue;
    if (Buffer.byteLength(stream[2] ?? "", "latin1") !== Number(stream[1]))
      throw new Error("stream /Length is wrong");
    for (const m of (stream[2] ?? "").matchAll(/\(((?:\\.|[^\\)])*)\) Tj/g))
      text.push((m[1] ?? "").replace(/\\(.)/g, "$1"));
  }
  return { pages, text };
}

describe("hosted invoice page, PDF and receipt", () => {
  it("serves the invoice with lines and periods, a PDF that parses, and the charge's receipt", async () => {
    const { customer } = await clockCustomer(stripe, START);
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);

    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.status).toBe(200);
    expect(page.html).toContain(`Invoice ${invoice.number ?? ""}`);
    expect(page.html).toContain("Paid");
    expect(page.html).toContain("MAD 30.00");
    expect(page.html).toContain("July 1, 2026 - August 1, 2026");
    expect(page.html).toContain(`href="${invoice.invoice_pdf ?? ""}"`);

    const response = await fetch(invoice.invoice_pdf ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = parsePdf(Buffer.from(await response.arrayBuffer()));
    expect(pdf.pages).toBe(1);
    expect(pdf.text).toContain(`Invoice number ${invoice.number ?? ""}`);
    expect(pdf.text).toContain("MAD 30.00");
    expect(() => parsePdf(Buffer.from("%PDF-1.4\nnot really\n%%EOF\n"))).toThrow();

    expect(invoice.payments).toBeUndefined();
    const withPayments = await stripe.invoices.retrieve(invoice.id, { expand: ["payments"] });
    const intent = await stripe.paymentIntents.retrieve(
      withPayments.payments?.data[0]?.payment.payment_intent as string,
    );
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(page.html).toContain(`href="${charge.receipt_url ?? ""}"`);
    const receipt = await getPage(charge.receipt_url ?? "");
    expect(receipt.status).toBe(200);
    expect(receipt.html).toContain("Receipt from Talents Acting");
    expect(receipt.html).toContain(invoice.number ?? "");
    expect((await getPage(`${h.sim.url}/i/in_doesnotexist`)).status).toBe(404);
  });

  it("pm_card_authenticationRequired: a yearly renewal waits for the member, who confirms it on the hosted invoice page", async () => {
    const { clock, customer } = await clockCustomer(
      stripe,
      START,
      "pm_card_authenticationRequired",
    );
    const price = await monthlyPrice(stripe, 350000, "year");
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 10,
    });
    // invoice.upcoming a week before the renewal, then the renewal asks for authentication.
    await advanceTo(stripe, clock.id, START + 10 * DAY + 2 * 3600);
    const events = await eventsFor(stripe, customer.id);
    const types = events.map((e) => e.type);
    expect(types).toContain("invoice.upcoming");
    expect(types.indexOf("invoice.upcoming")).toBeLessThan(
      types.indexOf("invoice.payment_action_required"),
    );
    const waiting = await stripe.subscriptions.retrieve(subscription.id);
    const invoice = await stripe.invoices.retrieve(waiting.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "open", amount_remaining: 350000 });
    const withPayments = await stripe.invoices.retrieve(invoice.id, { expand: ["payments"] });
    const intentId = withPayments.payments?.data[0]?.payment.payment_intent as string;
    const intent = await stripe.paymentIntents.retrieve(intentId);
    expect(intent.status).toBe("requires_action");

    const page = await getPage(invoice.hosted_invoice_url ?? "");
    expect(page.html).toContain('data-testid="confirm-payment-button"');
    const confirmed = await postForm(invoice.hosted_invoice_url ?? "", { action: "confirm" });
    expect(confirmed.status).toBe(303);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: "paid",
      amount_paid: 350000,
    });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
    const after = (await getPage(invoice.hosted_invoice_url ?? "")).html;
    expect(after).not.toContain('data-testid="confirm-payment-button"');
    // Confirming twice pays nothing more.
    expect((await postForm(invoice.hosted_invoice_url ?? "", { action: "confirm" })).status).toBe(
      400,
    );
  });

  it("a card that needs authentication on every charge: invoice.payment_action_required, then paid on the hosted page", async () => {
    const { clock, customer } = await clockCustomer(
      stripe,
      START,
      "pm_card_authenticationRequiredEveryTime",
    );
    const price = await monthlyPrice(stripe, 3000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 5,
    });
    await advanceTo(stripe, clock.id, START + 5 * DAY + 2 * 3600);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const types = (await eventsFor(stripe, customer.id)).map((e) => e.type);
    expect(types).toContain("invoice.payment_action_required");
    const invoice = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
    const paid = await postForm(invoice.hosted_invoice_url ?? "", cardFields("4242424242424242"));
    expect(paid.status).toBe(303);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: "paid",
      amount_paid: 3000,
    });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe("active");
  });
});
