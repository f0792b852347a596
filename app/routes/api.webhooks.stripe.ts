import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "../lib/db.server";
import { handleStripeWebhook } from "../stripe-events/webhook.server";

// Resource route: Stripe POSTs signed events here. No loader: a GET answers 405.
export async function action({ request }: ActionFunctionArgs) {
  return handleStripeWebhook(request, { db: db() });
}

export function loader() {
  return new Response(JSON.stringify({ error: "Method not allowed" }), {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "application/json" },
  });
}
