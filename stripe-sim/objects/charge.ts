import type Stripe from "stripe";
import { randomToken } from "../ids.js";

export type ChargeOutcome =
  { paid: true } | { paid: false; code: string; declineCode: string; message: string };

export function buildCharge(
  id: string,
  created: number,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  outcome: ChargeOutcome,
): Stripe.Charge {
  const card = paymentMethod.card;
  const amount = paymentIntent.amount;
  const customer =
    typeof paymentIntent.customer === "string"
      ? paymentIntent.customer
      : (paymentIntent.customer?.id ?? null);
  return {
    id,
    object: "charge",
    amount,
    amount_captured: outcome.paid ? amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    // Set by the caller, which records the balance transaction of a paid charge.
    balance_transaction: null,
    billing_details: paymentMethod.billing_details,
    calculated_statement_descriptor: "STRIPE-SIM",
    captured: outcome.paid,
    created,
    currency: paymentIntent.currency,
    customer,
    description: paymentIntent.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: outcome.paid ? null : outcome.code,
    failure_message: outcome.paid ? null : outcome.message,
    fraud_details: {},
    livemode: false,
    metadata: paymentIntent.metadata,
    on_behalf_of: null,
    outcome: outcome.paid
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: "approved_by_network",
          reason: null,
          risk_level: "normal",
          risk_score: 32,
          seller_message: "Payment complete.",
          type: "authorized",
        }
      : {
          advice_code: "try_again_later",
          network_advice_code: null,
          network_decline_code: null,
          network_status: "declined_by_network",
          reason: outcome.declineCode,
          risk_level: "normal",
          risk_score: 32,
          seller_message: "The bank did not return any further details with this decline.",
          type: "issuer_declined",
        },
    paid: outcome.paid,
    payment_intent: paymentIntent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: "card",
      card: {
        amount_authorized: outcome.paid ? amount : null,
        authorization_code: outcome.paid ? randomToken(6).toUpperCase() : null,
        brand: card?.brand ?? "visa",
        checks: {
          address_line1_check: null,
          address_postal_code_check: null,
          cvc_check: !outcome.paid && outcome.code === "incorrect_cvc" ? "fail" : "pass",
        },
        country: card?.country ?? "US",
        electronic_commerce_indicator: null,
        exp_month: card?.exp_month ?? 12,
        exp_year: card?.exp_year ?? 2034,
        extended_authorization: { status: "disabled" },
        fingerprint: card?.fingerprint ?? null,
        funding: card?.funding ?? "credit",
        incremental_authorization: { status: "unavailable" },
        installments: null,
        last4: card?.last4 ?? "4242",
        mandate: null,
        multicapture: { status: "unavailable" },
        network: card?.brand ?? "visa",
        network_token: { used: false },
        network_transaction_id: outcome.paid ? randomToken(15) : null,
        overcapture: { maximum_amount_capturable: amount, status: "unavailable" },
        regulated_status: "unregulated",
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: paymentIntent.receipt_email,
    receipt_number: null,
    // Set by the caller, which knows the server's address (the receipt page).
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: paymentIntent.shipping,
    source: null,
    source_transfer: null,
    statement_descriptor: paymentIntent.statement_descriptor,
    statement_descriptor_suffix: paymentIntent.statement_descriptor_suffix,
    status: outcome.paid ? "succeeded" : "failed",
    transfer_data: null,
    transfer_group: null,
  };
}
