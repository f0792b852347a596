import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { receiptUrlFor } from "../billing/receipts.server";
import { requireUser } from "../lib/auth.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";

/** A one-time payment's receipt at Stripe, for its own member only: anything else is a 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const id = /^[0-9]{1,12}$/.test(params.paymentId ?? "") ? Number(params.paymentId) : null;
  const url = id === null ? null : await receiptUrlFor(db(), stripe(), user, id);
  if (!url) throw new Response("Receipt not found", { status: 404 });
  return redirect(url, 303);
}
