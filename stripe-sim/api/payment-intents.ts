import type Stripe from "stripe";
import { z } from "zod";
import { requireCustomer } from "../domain/customers.js";
import { resolvePaymentMethod } from "../domain/payment-methods.js";
import { settleInvoiceOfPaymentIntent } from "../domain/invoices.js";
import {
  CANCELABLE_STATUSES,
  cancelPaymentIntent,
  confirmAnyPayment,
  createPaymentIntent,
} from "../domain/payments.js";
import { errorEnvelope, invalidRequest, noSuch } from "../http/errors.js";
import { fullAddress } from "../objects/customer.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiResult, ApiRoute, EventOrigin, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  checkPaymentMethodTypes,
  int,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  orNull,
  parseParams,
  shipping,
  str,
  stringList,
  withExpand,
} from "./params.js";
import { retrieveRoute } from "./retrieve.js";
import { MAX_AMOUNT, currency, tooLarge } from "./prices.js";

const createParams = withExpand({
  amount: int,
  currency,
  customer: str.optional(),
  payment_method: str.optional(),
  confirm: bool.optional(),
  payment_method_types: stringList.optional(),
  allowed_payment_method_types: stringList.optional(),
  excluded_payment_method_types: stringList.optional(),
  automatic_payment_methods: obj({
    enabled: bool,
    allow_redirects: z.enum(["always", "never"]).optional(),
  }).optional(),
  description: str.optional(),
  shipping: shipping.optional(),
  metadata: metadata.optional(),
  receipt_email: str.optional(),
  setup_future_usage: z.enum(["on_session", "off_session"]).optional(),
  capture_method: z.enum(["automatic", "automatic_async"]).optional(),
  confirmation_method: z.enum(["automatic", "manual"]).optional(),
  statement_descriptor: str.optional(),
  statement_descriptor_suffix: str.optional(),
  return_url: str.optional(),
  off_session: z.union([bool, z.enum(["one_off", "recurring"])]).optional(),
  error_on_requires_action: bool.optional(),
  use_stripe_sdk: bool.optional(),
});

const updateParams = withExpand({
  amount: int.optional(),
  currency: currency.optional(),
  customer: str.optional(),
  payment_method: str.optional(),
  description: str.optional(),
  shipping: shipping.optional(),
  metadata: metadata.optional(),
  receipt_email: str.optional(),
  statement_descriptor: str.optional(),
  statement_descriptor_suffix: str.optional(),
});

const confirmParams = withExpand({
  payment_method: str.optional(),
  return_url: str.optional(),
  receipt_email: str.optional(),
  off_session: z.union([bool, z.enum(["one_off", "recurring"])]).optional(),
  error_on_requires_action: bool.optional(),
  use_stripe_sdk: bool.optional(),
});

const cancelParams = withExpand({
  cancellation_reason: z
    .enum(["duplicate", "fraudulent", "requested_by_customer", "abandoned"])
    .optional(),
});
const listParams = withExpand({ ...listShape, customer: str.optional() });
const retrieveParams = withExpand({ client_secret: str.optional() });

function checkAmount(amount: number): void {
  if (amount < 1) throw invalidRequest("This value must be greater than or equal to 1.", "amount");
  if (amount > MAX_AMOUNT) throw tooLarge("amount");
}

function requirePaymentIntent(ctx: SimContext, id: string): Stripe.PaymentIntent {
  const paymentIntent = ctx.store.get("payment_intents", id);
  if (!paymentIntent) throw noSuch("payment_intent", id);
  return paymentIntent;
}

function unexpectedState(paymentIntent: Stripe.PaymentIntent, action: string) {
  return invalidRequest(
    `You cannot ${action} this PaymentIntent because it has a status of ${paymentIntent.status}.`,
    undefined,
    "payment_intent_unexpected_state",
  );
}

/** Confirms and answers like Stripe: 200 with the intent, or 402 card_error on a decline (state kept). */
function confirmAndRespond(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethodId: string | null,
  origin: EventOrigin,
  expandPaths: string[] | undefined,
): ApiResult {
  if (!paymentMethodId) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a payment method, pass `payment_method`.",
      "payment_method",
      "payment_intent_unexpected_state",
    );
  }
  if (
    !["requires_payment_method", "requires_confirmation", "requires_action"].includes(
      paymentIntent.status,
    )
  ) {
    throw unexpectedState(paymentIntent, "confirm");
  }
  const paymentMethod = resolvePaymentMethod(ctx, paymentMethodId, "payment_method");
  const result = confirmAnyPayment(ctx, paymentIntent, paymentMethod, origin);
  // An invoice's PaymentIntent confirmed by the client (payment_behavior=default_incomplete) pays the invoice.
  if (result.kind === "succeeded")
    settleInvoiceOfPaymentIntent(ctx, result.paymentIntent, result.charge.id, origin);
  if (result.kind === "declined") return { status: 402, body: errorEnvelope(result.error) };
  return ok(expand(ctx, result.paymentIntent, expandPaths));
}

export const paymentIntentRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/payment_intents",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      checkAmount(p.amount);
      checkPaymentMethodTypes(p);
      const customer = p.customer ? requireCustomer(ctx, p.customer, "customer") : undefined;
      const paymentIntent = createPaymentIntent(
        ctx,
        {
          amount: p.amount,
          currency: p.currency,
          customer: customer?.id ?? null,
          description: orNull(p.description),
          metadata: mergeMetadata({}, p.metadata),
          paymentMethodTypes: ["card"],
          allowedPaymentMethodTypes: p.allowed_payment_method_types ?? null,
          receiptEmail: orNull(p.receipt_email),
          shipping: p.shipping
            ? {
                name: p.shipping.name,
                address: fullAddress(p.shipping.address),
                phone: p.shipping.phone ?? null,
                carrier: p.shipping.carrier ?? null,
                tracking_number: p.shipping.tracking_number ?? null,
              }
            : null,
          setupFutureUsage: p.setup_future_usage ?? null,
          statementDescriptor: orNull(p.statement_descriptor),
          statementDescriptorSuffix: orNull(p.statement_descriptor_suffix),
          automaticPaymentMethods:
            p.automatic_payment_methods?.enabled ?? p.payment_method_types === undefined,
        },
        req.origin,
      );
      if (p.confirm)
        return confirmAndRespond(
          ctx,
          paymentIntent,
          p.payment_method ?? null,
          req.origin,
          p.expand,
        );
      if (p.payment_method) {
        const paymentMethod = resolvePaymentMethod(ctx, p.payment_method, "payment_method");
        const withMethod: Stripe.PaymentIntent = {
          ...paymentIntent,
          payment_method: paymentMethod.id,
          status: "requires_confirmation",
        };
        ctx.store.replace("payment_intents", withMethod);
        return ok(expand(ctx, withMethod, p.expand));
      }
      return ok(expand(ctx, paymentIntent, p.expand));
    },
  },
  retrieveRoute("/v1/payment_intents/:id", requirePaymentIntent, retrieveParams),
  {
    method: "POST",
    path: "/v1/payment_intents/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      if (p.amount !== undefined) checkAmount(p.amount);
      const before = requirePaymentIntent(ctx, id);
      if (["succeeded", "canceled", "processing"].includes(before.status))
        throw unexpectedState(before, "update");
      const customer = p.customer ? requireCustomer(ctx, p.customer, "customer") : undefined;
      const paymentMethod = p.payment_method
        ? resolvePaymentMethod(ctx, p.payment_method, "payment_method")
        : undefined;
      const after: Stripe.PaymentIntent = {
        ...before,
        ...(p.amount !== undefined ? { amount: p.amount } : {}),
        ...(p.currency !== undefined ? { currency: p.currency } : {}),
        ...(customer ? { customer: customer.id } : {}),
        ...(paymentMethod
          ? { payment_method: paymentMethod.id, status: "requires_confirmation" as const }
          : {}),
        ...(p.description !== undefined ? { description: orNull(p.description) } : {}),
        ...(p.receipt_email !== undefined ? { receipt_email: orNull(p.receipt_email) } : {}),
        ...(p.statement_descriptor !== undefined
          ? { statement_descriptor: orNull(p.statement_descriptor) }
          : {}),
        ...(p.statement_descriptor_suffix !== undefined
          ? { statement_descriptor_suffix: orNull(p.statement_descriptor_suffix) }
          : {}),
        ...(p.shipping !== undefined
          ? {
              shipping: {
                name: p.shipping.name,
                address: fullAddress(p.shipping.address),
                phone: p.shipping.phone ?? null,
                carrier: p.shipping.carrier ?? null,
                tracking_number: p.shipping.tracking_number ?? null,
              },
            }
          : {}),
        metadata: mergeMetadata(before.metadata, p.metadata),
      };
      ctx.store.replace("payment_intents", after);
      return ok(expand(ctx, after, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id/confirm",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(confirmParams, req.params);
      const paymentIntent = requirePaymentIntent(ctx, id);
      const current =
        typeof paymentIntent.payment_method === "string" ? paymentIntent.payment_method : null;
      return confirmAndRespond(
        ctx,
        paymentIntent,
        p.payment_method ?? current,
        req.origin,
        p.expand,
      );
    },
  },
  {
    method: "POST",
    path: "/v1/payment_intents/:id/cancel",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(cancelParams, req.params);
      const paymentIntent = requirePaymentIntent(ctx, id);
      if (!CANCELABLE_STATUSES.includes(paymentIntent.status))
        throw unexpectedState(paymentIntent, "cancel");
      return ok(
        expand(
          ctx,
          cancelPaymentIntent(ctx, paymentIntent, p.cancellation_reason ?? null, req.origin),
          p.expand,
        ),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/payment_intents",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      return ok(
        expand(
          ctx,
          listObjects(ctx, "payment_intents", "/v1/payment_intents", p, filters),
          p.expand,
        ),
      );
    },
  },
];
