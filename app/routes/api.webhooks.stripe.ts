import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "../lib/db.server";
import { isShuttingDown } from "../lib/lifecycle.server";
import { handleStripeWebhook } from "../stripe-events/webhook.server";
import { RETRY_AFTER_SECONDS } from "../lib/unavailable.server";

// Resource route: Stripe POSTs signed events here. No loader: a GET answers 405.
export async function action({ request }: ActionFunctionArgs) {
  let database;
  try {
    // A delivery that arrives once shutdown began (on a kept-alive connection) starts no new
    // transaction: Stripe retries it, another instance (or this one restarted) takes it.
    if (isShuttingDown()) throw new Error("shutting down");
    database = db();
  } catch {
    return new Response(JSON.stringify({ error: "Shutting down; Stripe will retry" }), {
      status: 503,
      headers: { "Content-Type": "application/json", "Retry-After": String(RETRY_AFTER_SECONDS) },
    });
  }
  return handleStripeWebhook(request, { db: database });
}

export function loader() {
  return new Response(JSON.stringify({ error: "Method not allowed" }), {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "application/json" },
  });
}
