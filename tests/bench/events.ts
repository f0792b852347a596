import { randomBytes } from "node:crypto";
import Stripe from "stripe";

// Signed checkout.session.completed events for the bench's webhook loads (SQLite and Postgres).

export const BENCH_WEBHOOK_SECRET = "whsec_bench_secret";
const stripeForSigning = new Stripe("sk_test_bench");

export interface Signed {
  body: string;
  signature: string;
}

export function sign(event: object): Signed {
  const body = JSON.stringify(event);
  return {
    body,
    signature: stripeForSigning.webhooks.generateTestHeaderString({
      payload: body,
      secret: BENCH_WEBHOOK_SECRET,
    }),
  };
}

export function eventOf(id: string, session: Record<string, unknown>): object {
  return {
    id: `evt_bench_${id}`,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "checkout.session.completed",
    data: {
      object: {
        object: "checkout.session",
        amount_total: 30000,
        currency: "mad",
        mode: "payment",
        payment_status: "paid",
        status: "complete",
        // about the size of Stripe's own session objects (~2 KiB events)
        custom_text: { submit: { message: "x".repeat(1100) } },
        ...session,
      },
    },
  };
}

/** checkout.session.completed events for sessions the app never created. */
export function unknownSessionEvents(count: number): Signed[] {
  return Array.from({ length: count }, () => {
    const id = randomBytes(12).toString("hex");
    return sign(
      eventOf(id, {
        id: `cs_test_bench_${id}`,
        customer: `cus_bench_${id.slice(0, 14)}`,
        client_reference_id: null,
        metadata: {},
      }),
    );
  });
}
