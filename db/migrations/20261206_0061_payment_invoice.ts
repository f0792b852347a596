import type { Kysely } from "kysely";

// Frozen in time: this file must never import application code.
// The invoice Stripe makes for a one-time payment (invoice_creation) and the buyer's details
// given at Checkout, kept on the payment so the member's pages and emails link the invoice and
// show the company without asking Stripe: the invoice's number, hosted page and PDF
// (payments.stripe_invoice_id already names it), the company or payer name, the first tax id
// (type and value, such as ma_vat and the ICE) and the billing address (JSON of Stripe's
// address fields).

const COLUMNS = [
  "invoice_number",
  "invoice_url",
  "invoice_pdf",
  "billing_name",
  "billing_tax_id_type",
  "billing_tax_id",
  "billing_address",
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of COLUMNS)
    await db.schema.alterTable("payments").addColumn(column, "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...COLUMNS].reverse())
    await db.schema.alterTable("payments").dropColumn(column).execute();
}
