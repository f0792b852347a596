import type Stripe from "stripe";
import { payCheckoutSession, requireSession } from "../domain/checkout.js";
import { resolvePaymentMethod } from "../domain/payment-methods.js";
import { errorEnvelope, invalidRequest } from "../http/errors.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { bool, int, obj, parseParams, str, withExpand } from "./params.js";

/**
 * The private endpoints Stripe's own checkout page calls, which `stripe trigger` uses to pay a
 * session without a browser. Only the fields the CLI reads are modelled.
 */
const confirmParams = withExpand({
  payment_method: str,
  expected_amount: int,
  email: str.optional(),
  expected_payment_method_type: str.optional(),
  consent: obj({ terms_of_service: str.optional(), promotions: str.optional() }).optional(),
  save_payment_method: bool.optional(),
});
const retrieveParams = withExpand({});

function paymentPage(ctx: SimContext, session: Stripe.Checkout.Session) {
  return {
    id: session.id,
    object: "checkout.session",
    amount_total: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    customer_email: session.customer_email,
    livemode: false,
    line_items: ctx.lineItems.all(session.id),
    mode: session.mode,
    payment_intent: session.payment_intent,
    payment_status: session.payment_status,
    status: session.status,
    success_url: session.success_url,
    cancel_url: session.cancel_url,
    url: session.url,
  };
}

export const paymentPageRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/payment_pages/:id",
    handler: (ctx, req, [id = ""]) => {
      parseParams(retrieveParams, req.params);
      return ok(paymentPage(ctx, requireSession(ctx, id)));
    },
  },
  {
    method: "POST",
    path: "/v1/payment_pages/:id/confirm",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(confirmParams, req.params);
      const session = requireSession(ctx, id);
      if (session.status !== "open") {
        throw invalidRequest(
          `This Checkout Session is no longer active (status: ${session.status}).`,
          undefined,
          session.status === "expired" ? "checkout_session_expired" : "checkout_session_completed",
        );
      }
      if (p.expected_amount !== session.amount_total) {
        throw invalidRequest(
          `The expected_amount (${p.expected_amount}) does not match the amount of the Checkout Session (${session.amount_total ?? 0}).`,
          "expected_amount",
        );
      }
      const paymentMethod = resolvePaymentMethod(ctx, p.payment_method, "payment_method");
      if (!session.payment_method_types.includes(paymentMethod.type)) {
        throw invalidRequest(
          `The PaymentMethod's type \`${paymentMethod.type}\` is not one of this Checkout Session's payment_method_types (${session.payment_method_types.join(", ")}).`,
          "payment_method",
        );
      }
      const billing = paymentMethod.billing_details;
      const payer = {
        email: p.email ?? billing.email ?? session.customer_email,
        name: billing.name,
      };
      const result = payCheckoutSession(ctx, session, paymentMethod, payer, req.origin);
      if (result.kind === "declined") {
        return { status: 402, body: errorEnvelope({ type: "card_error", ...result.error }) };
      }
      return ok(paymentPage(ctx, result.session));
    },
  },
];
