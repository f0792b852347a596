import { z } from "zod";
import { createRefund, refundableChargeOf, updateRefund } from "../domain/refunds.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  int,
  listShape,
  mergeMetadata,
  metadata,
  parseParams,
  str,
  withExpand,
} from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const createParams = withExpand({
  charge: str.optional(),
  payment_intent: str.optional(),
  amount: int.optional(),
  reason: z.enum(["duplicate", "fraudulent", "requested_by_customer"]).optional(),
  metadata: metadata.optional(),
  instructions_email: str.optional(),
  refund_application_fee: bool.optional(),
  reverse_transfer: bool.optional(),
});

const updateParams = withExpand({ metadata: metadata.optional() });

const listParams = withExpand({
  ...listShape,
  charge: str.optional(),
  payment_intent: str.optional(),
});

export const refundRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/refunds",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      if (p.charge === undefined && p.payment_intent === undefined) {
        throw invalidRequest(
          "One of the following params should be provided for this request: payment_intent or charge.",
        );
      }
      let charge = p.charge !== undefined ? ctx.store.get("charges", p.charge) : undefined;
      if (p.charge !== undefined && !charge) throw noSuch("charge", p.charge, "charge");
      if (p.payment_intent !== undefined) {
        const paymentIntent = ctx.store.get("payment_intents", p.payment_intent);
        if (!paymentIntent) throw noSuch("payment_intent", p.payment_intent, "payment_intent");
        const ofIntent = refundableChargeOf(ctx, paymentIntent);
        if (charge && charge.id !== ofIntent.id) {
          throw invalidRequest(
            `Charge ${charge.id} does not belong to PaymentIntent ${paymentIntent.id}.`,
            "charge",
          );
        }
        charge = ofIntent;
      }
      if (!charge) throw invalidRequest("No charge to refund.", "charge");
      const refund = createRefund(
        ctx,
        {
          charge,
          amount: p.amount,
          reason: p.reason,
          metadata: mergeMetadata({}, p.metadata),
        },
        req.origin,
      );
      return ok(expand(ctx, refund, p.expand));
    },
  },
  retrieveRoute("/v1/refunds/:id", (ctx, id) => requireStored(ctx, "refunds", id, "refund")),
  {
    method: "POST",
    path: "/v1/refunds/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const refund = requireStored(ctx, "refunds", id, "refund");
      const updated = updateRefund(
        ctx,
        refund,
        mergeMetadata(refund.metadata ?? {}, p.metadata),
        req.origin,
      );
      return ok(expand(ctx, updated, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/refunds/:id/cancel",
    handler: (ctx, req, [id = ""]) => {
      parseParams(withExpand({}), req.params);
      const refund = requireStored(ctx, "refunds", id, "refund");
      // Card refunds succeed at once here, and Stripe cancels only refunds awaiting action.
      throw invalidRequest(
        `Refund ${refund.id} cannot be canceled because it has a status of ${refund.status ?? "succeeded"}. Only a refund with a status of requires_action can be canceled.`,
      );
    },
  },
  {
    method: "GET",
    path: "/v1/refunds",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.charge !== undefined) filters.push({ path: "$.charge", value: p.charge });
      if (p.payment_intent !== undefined)
        filters.push({ path: "$.payment_intent", value: p.payment_intent });
      return ok(expand(ctx, listObjects(ctx, "refunds", "/v1/refunds", p, filters), p.expand));
    },
  },
];
