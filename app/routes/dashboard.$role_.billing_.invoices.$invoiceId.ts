import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { requireUser } from "../lib/auth.server";
import { db } from "../lib/db.server";

/**
 * An invoice's page or PDF at Stripe, for its own member only: a subscription's invoice, or the
 * invoice of a one-time payment (kept on the payment). Anyone else's invoice is a 404.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const invoiceId = params.invoiceId ?? "";
  const invoice =
    (await db()
      .selectFrom("invoices")
      .select(["hosted_invoice_url", "invoice_pdf"])
      .where("stripe_invoice_id", "=", invoiceId)
      .where("user_id", "=", user.id)
      .executeTakeFirst()) ??
    (await db()
      .selectFrom("payments")
      .select(["invoice_url as hosted_invoice_url", "invoice_pdf"])
      .where("stripe_invoice_id", "=", invoiceId)
      .where("user_id", "=", user.id)
      .executeTakeFirst());
  const pdf = new URL(request.url).searchParams.get("format") === "pdf";
  const target = invoice ? (pdf ? invoice.invoice_pdf : invoice.hosted_invoice_url) : null;
  if (!target) throw new Response("Invoice not found", { status: 404 });
  return redirect(target, 303);
}
