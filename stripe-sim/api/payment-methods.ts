import type Stripe from "stripe";
import { z } from "zod";
import { requireCustomer } from "../domain/customers.js";
import {
  attachPaymentMethod,
  createCardPaymentMethod,
  defaultExpiry,
  resolvePaymentMethod,
  testCardNumber,
} from "../domain/payment-methods.js";
import { createSepaDebitPaymentMethod } from "../domain/sepa-debit.js";
import { invalidRequest, noSuch, StripeApiError } from "../http/errors.js";
import { billingDetails } from "../objects/payment-method.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  address,
  int,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  parseParams,
  str,
  withExpand,
} from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const createParams = withExpand({
  type: str,
  card: obj({
    token: str.optional(),
    number: str.optional(),
    exp_month: int.optional(),
    exp_year: int.optional(),
    cvc: str.optional(),
    networks: obj({ preferred: str.optional() }).optional(),
  }).optional(),
  sepa_debit: obj({ iban: str }).optional(),
  billing_details: obj({
    address: address.optional(),
    email: str.optional(),
    name: str.optional(),
    phone: str.optional(),
  }).optional(),
  metadata: metadata.optional(),
  allow_redisplay: z.enum(["always", "limited", "unspecified"]).optional(),
});
const attachParams = withExpand({ customer: str });
const listParams = withExpand({ ...listShape, customer: str.optional(), type: str.optional() });
const retrieveParams = withExpand({});

function cardError(code: string, message: string, param: string): StripeApiError {
  return new StripeApiError(402, { type: "card_error", code, message, param });
}

function checkExpiry(
  month: number | undefined,
  year: number | undefined,
): { expMonth: number; expYear: number } {
  if (month === undefined)
    throw cardError(
      "invalid_expiry_month",
      "Your card's expiration month is invalid.",
      "card[exp_month]",
    );
  if (year === undefined)
    throw cardError(
      "invalid_expiry_year",
      "Your card's expiration year is invalid.",
      "card[exp_year]",
    );
  if (month < 1 || month > 12)
    throw cardError(
      "invalid_expiry_month",
      "Your card's expiration month is invalid.",
      "card[exp_month]",
    );
  const fullYear = year < 100 ? 2000 + year : year;
  const now = new Date();
  if (
    fullYear < now.getUTCFullYear() ||
    (fullYear === now.getUTCFullYear() && month < now.getUTCMonth() + 1)
  ) {
    throw cardError(
      "invalid_expiry_year",
      "Your card's expiration year is invalid.",
      "card[exp_year]",
    );
  }
  return { expMonth: month, expYear: fullYear };
}

export const paymentMethodRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/payment_methods",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      if (p.type === "sepa_debit") {
        if (!p.sepa_debit)
          throw invalidRequest(
            "Missing required param: sepa_debit.",
            "sepa_debit",
            "parameter_missing",
          );
        const paymentMethod = createSepaDebitPaymentMethod(
          ctx,
          p.sepa_debit.iban,
          billingDetails(p.billing_details),
          mergeMetadata({}, p.metadata),
        );
        return ok(expand(ctx, paymentMethod, p.expand));
      }
      if (p.type !== "card") {
        throw invalidRequest(
          `stripe-sim only supports PaymentMethods of type \`card\` and \`sepa_debit\`, not \`${p.type}\`.`,
          "type",
        );
      }
      if (!p.card)
        throw invalidRequest("Missing required param: card.", "card", "parameter_missing");
      const billing = billingDetails(p.billing_details);
      const meta = mergeMetadata({}, p.metadata);
      let paymentMethod: Stripe.PaymentMethod;
      if (p.card.token) {
        const number = testCardNumber(p.card.token);
        if (!number) throw noSuch("token", p.card.token, "card[token]");
        paymentMethod = createCardPaymentMethod(
          ctx,
          { number, ...defaultExpiry(ctx) },
          billing,
          meta,
        );
      } else if (p.card.number) {
        paymentMethod = createCardPaymentMethod(
          ctx,
          { number: p.card.number, ...checkExpiry(p.card.exp_month, p.card.exp_year) },
          billing,
          meta,
        );
      } else {
        throw invalidRequest(
          "Missing required param: card[number].",
          "card[number]",
          "parameter_missing",
        );
      }
      return ok(expand(ctx, paymentMethod, p.expand));
    },
  },
  retrieveRoute("/v1/payment_methods/:id", (ctx, id) =>
    requireStored(ctx, "payment_methods", id, "PaymentMethod"),
  ),
  {
    method: "POST",
    path: "/v1/payment_methods/:id/attach",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(attachParams, req.params);
      const customer = requireCustomer(ctx, p.customer, "customer");
      const paymentMethod = resolvePaymentMethod(ctx, id, "id");
      return ok(
        expand(ctx, attachPaymentMethod(ctx, paymentMethod, customer.id, req.origin), p.expand),
      );
    },
  },
  {
    method: "POST",
    path: "/v1/payment_methods/:id/detach",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(retrieveParams, req.params);
      const paymentMethod = requireStored(ctx, "payment_methods", id, "PaymentMethod");
      if (!paymentMethod.customer) {
        throw invalidRequest(
          "The payment method you provided is not attached to a customer so detachment is impossible.",
          undefined,
          "payment_method_unexpected_state",
        );
      }
      const detached: Stripe.PaymentMethod = { ...paymentMethod, customer: null };
      ctx.store.replace("payment_methods", detached);
      ctx.events.emit("payment_method.detached", detached, req.origin, {
        customer: paymentMethod.customer,
      });
      return ok(expand(ctx, detached, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/payment_methods",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.type !== undefined) filters.push({ path: "$.type", value: p.type });
      return ok(
        expand(
          ctx,
          listObjects(ctx, "payment_methods", "/v1/payment_methods", p, filters),
          p.expand,
        ),
      );
    },
  },
];
