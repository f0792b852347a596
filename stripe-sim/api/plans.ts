import { noSuch } from "../http/errors.js";
import { planOf } from "../objects/subscription.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { bool, listShape, parseParams, str, withExpand } from "./params.js";
import { retrieveRoute } from "./retrieve.js";

const listParams = withExpand({
  ...listShape,
  active: bool.optional(),
  product: str.optional(),
});

/**
 * The legacy Plans API, which Stripe still serves: every recurring price is also a plan with
 * the same id (clients that back-fill everything, such as sync engines, still read it).
 */
export const planRoutes: ApiRoute[] = [
  retrieveRoute("/v1/plans/:id", (ctx, id) => {
    const price = ctx.store.get("prices", id);
    if (!price || price.type !== "recurring") throw noSuch("plan", id);
    return planOf(price);
  }),
  {
    method: "GET",
    path: "/v1/plans",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [{ path: "$.type", value: "recurring" }];
      if (p.active !== undefined) filters.push({ path: "$.active", value: p.active });
      if (p.product !== undefined) filters.push({ path: "$.product", value: p.product });
      const list = listObjects(ctx, "prices", "/v1/plans", p, filters);
      return ok(expand(ctx, { ...list, data: list.data.map(planOf) }, p.expand));
    },
  },
];
