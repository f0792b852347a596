import { invalidRequest } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { listShape, parseParams, str, stringList, withExpand } from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const listParams = withExpand({ ...listShape, type: str.optional(), types: stringList.optional() });

export const eventRoutes: ApiRoute[] = [
  retrieveRoute("/v1/events/:id", (ctx, id) => requireStored(ctx, "events", id, "event")),
  {
    method: "GET",
    path: "/v1/events",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      if (p.type !== undefined && p.types !== undefined) {
        throw invalidRequest("You may only specify one of these parameters: type, types.", "types");
      }
      const filters: JsonFilter[] = [];
      let where: { sql: string; args: unknown[] } | undefined;
      if (p.type !== undefined && p.type.includes("*")) {
        // Stripe accepts wildcards such as `payment_intent.*`.
        where = { sql: "json_extract(data, '$.type') LIKE ?", args: [p.type.replace(/\*/g, "%")] };
      } else if (p.type !== undefined) {
        filters.push({ path: "$.type", value: p.type });
      }
      if (p.types !== undefined) filters.push({ path: "$.type", value: p.types });
      return ok(expand(ctx, listObjects(ctx, "events", "/v1/events", p, filters, where), p.expand));
    },
  },
];
