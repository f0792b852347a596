import { noSuch } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { listShape, parseParams, str, withExpand } from "./params.js";

const listParams = withExpand({ ...listShape, customer: str.optional(), payment_intent: str.optional() });
const retrieveParams = withExpand({});

export const chargeRoutes: ApiRoute[] = [
  {
    method: "GET",
    path: "/v1/charges/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(retrieveParams, req.params);
      const charge = ctx.store.get("charges", id);
      if (!charge) throw noSuch("charge", id);
      return ok(expand(ctx, charge, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/charges",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.payment_intent !== undefined) filters.push({ path: "$.payment_intent", value: p.payment_intent });
      return ok(expand(ctx, listObjects(ctx, "charges", "/v1/charges", p, filters), p.expand));
    },
  },
];
