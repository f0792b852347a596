import type Stripe from "stripe";

/** The id of a field that holds an id or, expanded, the object itself. */
function idOf(value: unknown): string | null {
  if (typeof value === "string") return value.slice(0, 255);
  if (typeof value === "object" && value !== null && "id" in value && typeof value.id === "string")
    return value.id.slice(0, 255);
  return null;
}

/**
 * Whom an event concerned, as its ledger row records it: the customer of its object (a
 * Checkout Session, PaymentIntent, charge, invoice, subscription) or the customer itself, and
 * its PaymentIntent (a refund or dispute names no customer, only its PaymentIntent). The staff
 * member page finds a member's events through these two ids.
 */
export function eventSubject(event: Stripe.Event): {
  stripe_customer_id: string | null;
  stripe_payment_intent_id: string | null;
} {
  const object: unknown = event.data?.object;
  if (typeof object !== "object" || object === null)
    return { stripe_customer_id: null, stripe_payment_intent_id: null };
  const o = object as {
    id?: unknown;
    object?: unknown;
    customer?: unknown;
    payment_intent?: unknown;
  };
  return {
    stripe_customer_id: o.object === "customer" ? idOf(o.id) : idOf(o.customer),
    stripe_payment_intent_id: o.object === "payment_intent" ? idOf(o.id) : idOf(o.payment_intent),
  };
}
