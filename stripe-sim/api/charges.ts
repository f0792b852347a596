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
  payment_intent: str.optional(),
});

export const chargeRoutes: ApiRoute[] = [
  retrieveRoute("/v1/charges/:id", (ctx, id) => requireStored(ctx, "charges", id, "charge")),
  {
    method: "GET",
    path: "/v1/charges",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.payment_intent !== undefined)
        filters.push({ path: "$.payment_intent", value: p.payment_intent });
      return ok(expand(ctx, listObjects(ctx, "charges", "/v1/charges", p, filters), p.expand));
    },
  },
];
