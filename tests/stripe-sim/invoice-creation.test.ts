import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardFields, getPage, postForm, rejection, startHarness } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.cleanup());

const ICE = "001234567000089";

async function companySession(customer: Stripe.Customer, locale: "fr" | "en" = "fr") {
  return stripe.checkout.sessions.create({
    mode: "payment",
    customer: customer.id,
    customer_update: { name: "auto", address: "auto" },
    locale,
    invoice_creation: {
      enabled: true,
      invoice_data: {
        description: "Company annual access",
        footer: "Talents Acting, Casablanca",
        metadata: { plan: "company_annual" },
      },
    },
    tax_id_collection: { enabled: true },
    billing_address_collection: "required",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: "mad",
          unit_amount: 350000,
          product_data: { name: "Company annual access" },
        },
      },
    ],
    success_url: "http://app.test/payment/success?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://app.test/payment/cancel",
  });
}

const companyFields = (taxId: string) =>
  cardFields("4242424242424242", {
    email: "studio@example.com",
    billingName: "Amina Idrissi",
    billingAddressLine1: "12 rue des Arts",
    billingLocality: "Casablanca",
    billingPostalCode: "20000",
    billingCountry: "MA",
    businessName: "Studio Atlas SARL",
    taxIdType: "ma_vat",
    taxId,
  });

describe("invoice_creation and tax_id_collection in payment mode", () => {
  it("pays, makes a paid invoice with the company's tax id, in French for locale fr", async () => {
    const customer = await stripe.customers.create({
      email: "studio@example.com",
      preferred_locales: ["fr"],
    });
    const session = await companySession(customer);
    expect(session.invoice_creation).toMatchObject({
      enabled: true,
      invoice_data: { description: "Company annual access", footer: "Talents Acting, Casablanca" },
    });
    expect(session.tax_id_collection).toEqual({ enabled: true, required: "never" });

    const page = await getPage(session.url ?? "");
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain("Payer par carte");
    expect(page.html).toContain("Num\u00e9ro de carte");
    expect(page.html).toContain("3\u202f500,00\u00a0MAD".replace(/[\u00a0\u202f]/g, " "));
    expect(page.html).toContain('id="taxId"');
    expect(page.html).toContain('id="billingAddressLine1"');

    // A malformed tax id is refused on the page, in French, and nothing is charged.
    const bad = await postForm(session.url ?? "", companyFields("12AB"));
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(
      "Votre num\u00e9ro d&#39;identification fiscale n&#39;est pas valide.",
    );
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(0);

    const paid = await postForm(
      session.url ?? "",
      companyFields(`${ICE.slice(0, 3)} ${ICE.slice(3)}`),
    );
    expect(paid.status).toBe(303);

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(done.customer_details).toMatchObject({
      business_name: "Studio Atlas SARL",
      name: "Amina Idrissi",
      tax_ids: [{ type: "ma_vat", value: ICE }],
      address: {
        line1: "12 rue des Arts",
        city: "Casablanca",
        postal_code: "20000",
        country: "MA",
      },
    });
    expect(typeof done.invoice).toBe("string");

    const invoice = await stripe.invoices.retrieve(done.invoice as string, {
      expand: ["payments"],
    });
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 350000,
      amount_remaining: 0,
      currency: "mad",
      customer: customer.id,
      description: "Company annual access",
      footer: "Talents Acting, Casablanca",
      metadata: { plan: "company_annual" },
      customer_name: "Studio Atlas SARL",
      customer_tax_ids: [{ type: "ma_vat", value: ICE }],
      parent: null,
    });
    expect(invoice.customer_address).toMatchObject({ line1: "12 rue des Arts" });
    expect(invoice.number).toMatch(/^[A-Z0-9]+-0001$/);
    expect(invoice.payments?.data[0]?.payment.payment_intent).toBe(done.payment_intent);
    expect(invoice.lines.data).toHaveLength(1);
    expect(invoice.lines.data[0]).toMatchObject({ amount: 350000 });

    // The customer keeps the name, address and tax id (customer_update=auto).
    const updated = await stripe.customers.retrieve(customer.id, { expand: ["tax_ids"] });
    if (updated.deleted) throw new Error("deleted");
    expect(updated.name).toBe("Studio Atlas SARL");
    expect(updated.tax_ids?.data.map((t) => [t.type, t.value])).toEqual([["ma_vat", ICE]]);
    expect((await stripe.customers.listTaxIds(customer.id)).data).toHaveLength(1);

    // Stripe's events for it, before checkout.session.completed which carries the invoice.
    const events = (await stripe.events.list({ limit: 30 })).data.reverse();
    const types = events.map((e) => e.type);
    const tail = types.slice(types.indexOf("payment_intent.succeeded"));
    expect(tail.filter((t) => t.startsWith("invoice."))).toEqual([
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect(tail.at(-1)).toBe("checkout.session.completed");
    expect((events.at(-1)?.data.object as Stripe.Checkout.Session | undefined)?.invoice).toBe(
      invoice.id,
    );

    // The hosted invoice page, in the customer's language, shows the company and its tax id.
    const invoicePage = await getPage(invoice.hosted_invoice_url ?? "");
    expect(invoicePage.status).toBe(200);
    expect(invoicePage.html).toContain('<html lang="fr">');
    expect(invoicePage.html).toContain("Pay\u00e9e le");
    expect(invoicePage.html).toContain("Studio Atlas SARL");
    expect(invoicePage.html).toContain(ICE);
    expect(invoicePage.html).toContain("Talents Acting, Casablanca");
    const pdf = await fetch(invoice.invoice_pdf ?? "");
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).toString("latin1")).toContain(ICE);
  });

  it("makes a customer for the invoice when the session has none; English by default", async () => {
    const session = await stripe.checkout.sessions.create({
      mode: "payment",
      customer_email: "talent@example.com",
      invoice_creation: { enabled: true },
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "mad", unit_amount: 30000, product_data: { name: "Membership" } },
        },
      ],
      success_url: "http://app.test/ok",
    });
    const page = await getPage(session.url ?? "");
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toContain("Pay with card");
    expect(page.html).not.toContain('id="taxId"');
    expect((await postForm(session.url ?? "", cardFields("4242424242424242"))).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(typeof done.customer).toBe("string");
    const invoice = await stripe.invoices.retrieve(done.invoice as string);
    expect(invoice).toMatchObject({ status: "paid", customer: done.customer, amount_paid: 30000 });
    expect((await getPage(invoice.hosted_invoice_url ?? "")).html).toContain("Paid ");
  });

  it("refuses what Stripe refuses", async () => {
    const customer = await stripe.customers.create({ email: "x@example.com" });
    const base = {
      line_items: [
        {
          quantity: 1,
          price_data: { currency: "mad", unit_amount: 100, product_data: { name: "X" } },
        },
      ],
      success_url: "http://app.test/ok",
    };
    const noUpdate = await rejection(
      stripe.checkout.sessions.create({
        ...base,
        mode: "payment",
        customer: customer.id,
        tax_id_collection: { enabled: true },
      }),
    );
    expect(noUpdate).toMatchObject({ statusCode: 400, param: "customer_update[name]" });
    const price = await stripe.prices.create({
      currency: "mad",
      unit_amount: 100,
      recurring: { interval: "month" },
      product_data: { name: "Monthly" },
    });
    const subscriptionInvoice = await rejection(
      stripe.checkout.sessions.create({
        mode: "subscription",
        line_items: [{ price: price.id, quantity: 1 }],
        invoice_creation: { enabled: true },
        success_url: "http://app.test/ok",
      }),
    );
    expect(subscriptionInvoice).toMatchObject({ statusCode: 400, param: "invoice_creation" });
    const badLocale = await rejection(
      stripe.checkout.sessions.create({
        ...base,
        mode: "payment",
        locale: "xx" as Stripe.Checkout.SessionCreateParams.Locale,
      }),
    );
    expect(badLocale).toMatchObject({ statusCode: 400, param: "locale" });
    const badTaxId = await rejection(
      stripe.customers.createTaxId(customer.id, { type: "ma_vat", value: "12-34" }),
    );
    expect(badTaxId).toMatchObject({ statusCode: 400, code: "tax_id_invalid" });
    const good = await stripe.customers.createTaxId(customer.id, {
      type: "ma_vat",
      value: "12345678",
    });
    expect(good).toMatchObject({
      object: "tax_id",
      type: "ma_vat",
      value: "12345678",
      country: "MA",
    });
  });

  it("the customer portal speaks French for locale fr (or a French customer), English otherwise", async () => {
    const customer = await stripe.customers.create({ email: "p@example.com", name: "Studio" });
    const fr = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      locale: "fr",
      return_url: "http://app.test/billing",
    });
    const page = await getPage(fr.url);
    expect(page.html).toContain('<html lang="fr">');
    expect(page.html).toContain("Abonnement actuel");
    expect(page.html).toContain("Historique des factures");
    const en = await stripe.billingPortal.sessions.create({ customer: customer.id, locale: "en" });
    const english = await getPage(en.url);
    expect(english.html).toContain("Current subscription");
    const updated = await stripe.customers.update(customer.id, { preferred_locales: ["fr"] });
    expect(updated.preferred_locales).toEqual(["fr"]);
    const auto = await stripe.billingPortal.sessions.create({ customer: customer.id });
    expect((await getPage(auto.url)).html).toContain("Abonnement actuel");
  });
});
