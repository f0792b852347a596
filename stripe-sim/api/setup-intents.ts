import { z } from "zod";
import { requireCustomer } from "../domain/customers.js";
import { resolvePaymentMethod } from "../domain/payment-methods.js";
import { confirmSetupIntent, createSetupIntent } from "../domain/setup-intents.js";
import { invalidRequest } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  checkPaymentMethodTypes,
  listShape,
  metadata,
  parseParams,
  str,
  stringList,
  withExpand,
} from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const listParams = withExpand({
  ...listShape,
  customer: str.optional(),
  payment_method: str.optional(),
});

const createParams = withExpand({
  customer: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  usage: z.enum(["off_session", "on_session"]).optional(),
  payment_method: str.optional(),
  payment_method_types: stringList.optional(),
  confirm: bool.optional(),
});

const confirmParams = withExpand({ payment_method: str.optional() });

/** SetupIntents: made by Checkout's setup mode or through the API; create, confirm, retrieve, list. */
export const setupIntentRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/setup_intents",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      checkPaymentMethodTypes(p);
      const customer = p.customer ? requireCustomer(ctx, p.customer, "customer") : undefined;
      const paymentMethod = p.payment_method
        ? resolvePaymentMethod(ctx, p.payment_method, "payment_method")
        : undefined;
      if (p.confirm && !paymentMethod) {
        throw invalidRequest(
          "You cannot confirm this SetupIntent because it's missing a payment method. To confirm the SetupIntent with a payment method, pass `payment_method`.",
          "payment_method",
        );
      }
      let setupIntent = createSetupIntent(
        ctx,
        {
          customer: customer?.id ?? null,
          description: p.description ?? null,
          metadata: p.metadata ?? {},
          usage: p.usage ?? "off_session",
        },
        req.origin,
      );
      if (paymentMethod && p.confirm) {
        setupIntent = confirmSetupIntent(ctx, setupIntent, paymentMethod, req.origin);
      } else if (paymentMethod) {
        setupIntent = {
          ...setupIntent,
          payment_method: paymentMethod.id,
          status: "requires_confirmation",
        };
        ctx.store.replace("setup_intents", setupIntent);
      }
      return ok(expand(ctx, setupIntent, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/setup_intents/:id/confirm",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(confirmParams, req.params);
      const current = requireStored(ctx, "setup_intents", id, "setup_intent");
      if (!["requires_payment_method", "requires_confirmation"].includes(current.status)) {
        throw invalidRequest(
          `You cannot confirm this SetupIntent because it has a status of ${current.status}.`,
          undefined,
          "setup_intent_unexpected_state",
        );
      }
      const methodId =
        p.payment_method ??
        (typeof current.payment_method === "string" ? current.payment_method : null);
      if (!methodId) {
        throw invalidRequest(
          "You cannot confirm this SetupIntent because it's missing a payment method.",
          "payment_method",
        );
      }
      const paymentMethod = resolvePaymentMethod(ctx, methodId, "payment_method");
      return ok(expand(ctx, confirmSetupIntent(ctx, current, paymentMethod, req.origin), p.expand));
    },
  },
  retrieveRoute("/v1/setup_intents/:id", (ctx, id) =>
    requireStored(ctx, "setup_intents", id, "setup_intent"),
  ),
  {
    method: "GET",
    path: "/v1/setup_intents",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.payment_method !== undefined)
        filters.push({ path: "$.payment_method", value: p.payment_method });
      return ok(
        expand(ctx, listObjects(ctx, "setup_intents", "/v1/setup_intents", p, filters), p.expand),
      );
    },
  },
];
