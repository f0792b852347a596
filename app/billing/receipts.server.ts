import type Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { recurringCatalog } from "../payments/catalog";
import { errorMessage } from "../lib/errors";

// A one-time payment's card and receipt live on its Stripe charge. They are read once, when a
// page first needs them (the receipt link, the billing page's card), and kept on the payment.

interface ChargeFacts {
  receiptUrl: string | null;
  brand: string | null;
  last4: string | null;
}

async function chargeOf(stripe: Stripe, paymentIntentId: string): Promise<ChargeFacts | null> {
  const intent = await stripe.paymentIntents.retrieve(paymentIntentId, {
    expand: ["latest_charge"],
  });
  const charge = intent.latest_charge;
  if (!charge || typeof charge === "string") return null;
  const card = charge.payment_method_details?.card;
  return { receiptUrl: charge.receipt_url, brand: card?.brand ?? null, last4: card?.last4 ?? null };
}

async function recordCharge(
  db: DB,
  stripe: Stripe,
  payment: { id: number; stripe_payment_intent_id: string },
): Promise<ChargeFacts | null> {
  let facts: ChargeFacts | null;
  try {
    facts = await chargeOf(stripe, payment.stripe_payment_intent_id);
  } catch (error) {
    console.error(`Reading the charge of payment ${payment.id} failed: ${errorMessage(error)}`);
    return null;
  }
  if (!facts) return null;
  await db
    .updateTable("payments")
    .set({ receipt_url: facts.receiptUrl, card_brand: facts.brand, card_last4: facts.last4 })
    .where("id", "=", payment.id)
    .execute();
  return facts;
}

/**
 * The receipt of the member's own paid one-time payment (a hosted invoice when it has one);
 * null when the payment is not theirs, not paid, or Stripe has no receipt for it.
 */
export async function receiptUrlFor(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id">,
  paymentId: number,
): Promise<string | null> {
  const payment = await db
    .selectFrom("payments")
    .select(["id", "status", "stripe_payment_intent_id", "stripe_invoice_id", "receipt_url"])
    .where("id", "=", paymentId)
    .where("user_id", "=", user.id)
    .executeTakeFirst();
  if (!payment || payment.status === "pending" || payment.status === "failed") return null;
  if (payment.stripe_invoice_id) {
    const invoice = await db
      .selectFrom("invoices")
      .select("hosted_invoice_url")
      .where("stripe_invoice_id", "=", payment.stripe_invoice_id)
      .where("user_id", "=", user.id)
      .executeTakeFirst();
    if (invoice?.hosted_invoice_url) return invoice.hosted_invoice_url;
  }
  if (payment.receipt_url) return payment.receipt_url;
  if (!payment.stripe_payment_intent_id) return null;
  const facts = await recordCharge(db, stripe, {
    id: payment.id,
    stripe_payment_intent_id: payment.stripe_payment_intent_id,
  });
  return facts?.receiptUrl ?? null;
}

/**
 * Reads and keeps the card of the member's latest paid one-time payment when it was never read;
 * true when it stored something new. No Stripe call once it is stored.
 */
export async function recordOneTimeCard(
  db: DB,
  stripe: Stripe,
  user: Pick<User, "id">,
): Promise<boolean> {
  const payment = await db
    .selectFrom("payments")
    .select(["id", "stripe_payment_intent_id", "receipt_url"])
    .where("user_id", "=", user.id)
    .where("status", "=", "paid")
    .where(
      "plan",
      "not in",
      recurringCatalog("mad").map((p) => p.id),
    )
    .orderBy("paid_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!payment?.stripe_payment_intent_id || payment.receipt_url !== null) return false;
  const facts = await recordCharge(db, stripe, {
    id: payment.id,
    stripe_payment_intent_id: payment.stripe_payment_intent_id,
  });
  return facts !== null && facts.last4 !== null;
}
