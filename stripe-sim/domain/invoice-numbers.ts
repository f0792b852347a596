import type { SimContext } from "../api/context.js";
import { randomToken } from "../ids.js";

/** The customer's next invoice number (its prefix and sequence), as Stripe numbers them. */
export function invoiceNumber(ctx: SimContext, customerId: string): string {
  const customer = ctx.store.get("customers", customerId);
  if (!customer || customer.deleted) return `${randomToken(8).toUpperCase()}-0001`;
  const sequence = customer.next_invoice_sequence ?? 1;
  ctx.store.replace("customers", { ...customer, next_invoice_sequence: sequence + 1 });
  return `${customer.invoice_prefix ?? "INV"}-${String(sequence).padStart(4, "0")}`;
}
