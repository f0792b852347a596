import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { newId } from "../ids.js";

/** The tax id types the hosted page offers, with the country each belongs to. */
export const TAX_ID_TYPES: ReadonlyArray<{ type: string; country: string | null; label: string }> =
  [
    { type: "ma_vat", country: "MA", label: "MA VAT / ICE" },
    { type: "eu_vat", country: null, label: "EU VAT" },
    { type: "gb_vat", country: "GB", label: "GB VAT" },
    { type: "us_ein", country: "US", label: "US EIN" },
  ];

/**
 * Formats as Stripe documents them: `ma_vat` is Morocco's tax number, Stripe's example is
 * 8 digits (12345678); the 15-digit ICE (identifiant commun de l'entreprise) that Moroccan
 * companies print on invoices is accepted too. Spaces, dots and dashes are ignored.
 */
const FORMATS: Record<string, RegExp> = {
  ma_vat: /^(\d{8}|\d{15})$/,
  eu_vat: /^[A-Z]{2}[0-9A-Z]{8,12}$/,
  gb_vat: /^GB\d{9}$/,
  us_ein: /^\d{2}-?\d{7}$/,
};

/** The value as Stripe stores it, or null when it does not have the type's format. */
export function normalizeTaxId(type: string, value: string): string | null {
  const format = FORMATS[type];
  if (!format) return null;
  // Bounded before any pattern runs: a tax id is never long.
  if (value.length > 40) return null;
  const compact =
    type === "us_ein" ? value.replace(/\s/g, "") : value.replace(/[\s.-]/g, "").toUpperCase();
  return format.test(compact) ? compact : null;
}

function countryOf(type: string, value: string): string | null {
  if (type === "eu_vat") return value.slice(0, 2) === "EL" ? "GR" : value.slice(0, 2);
  return TAX_ID_TYPES.find((t) => t.type === type)?.country ?? null;
}

/** A customer's tax id, as `POST /v1/customers/:id/tax_ids` makes it. */
export function createTaxId(
  ctx: SimContext,
  customerId: string,
  taxId: { type: string; value: string },
  origin: EventOrigin,
): Stripe.TaxId {
  const created: Stripe.TaxId = {
    id: newId("txi"),
    object: "tax_id",
    country: countryOf(taxId.type, taxId.value),
    created: ctx.clock.nowSeconds(),
    customer: customerId,
    customer_account: null,
    livemode: false,
    owner: { customer: customerId, customer_account: null, type: "customer" },
    type: taxId.type as Stripe.TaxId.Type,
    value: taxId.value,
    verification: { status: "unavailable", verified_address: null, verified_name: null },
  };
  ctx.store.insert("tax_ids", created);
  ctx.events.emit("customer.tax_id.created", created, origin);
  return created;
}

export function customerTaxIds(ctx: SimContext, customerId: string): Stripe.TaxId[] {
  return ctx.store
    .list("tax_ids", { limit: 100, filters: [{ path: "$.customer", value: customerId }] })
    .data.reverse();
}

/** What `expand[]=tax_ids` shows on a customer. */
export function taxIdList(ctx: SimContext, customerId: string) {
  const data = customerTaxIds(ctx, customerId);
  return {
    object: "list" as const,
    data,
    has_more: false,
    url: `/v1/customers/${customerId}/tax_ids`,
  };
}
