import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { listShape, parseParams, str, withExpand } from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const listParams = withExpand({
  ...listShape,
  customer: str.optional(),
  payment_method: str.optional(),
});

/** SetupIntents made by Checkout's setup mode: retrieve and list. */
export const setupIntentRoutes: ApiRoute[] = [
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
