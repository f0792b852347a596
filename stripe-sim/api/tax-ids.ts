import { requireCustomer } from "../domain/customers.js";
import { createTaxId, normalizeTaxId, taxIdList } from "../domain/tax-ids.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listShape, parseParams, str, withExpand } from "./params.js";

const createParams = withExpand({ type: str, value: str.max(200) });
const listParams = withExpand(listShape);

/** A customer's tax ids: `/v1/customers/:id/tax_ids` (what Checkout's tax id collection saves). */
export const taxIdRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/customers/:id/tax_ids",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(createParams, req.params);
      const customer = requireCustomer(ctx, id, "customer");
      const value = normalizeTaxId(p.type, p.value);
      if (value === null) {
        throw invalidRequest(`Invalid value for ${p.type}.`, "value", "tax_id_invalid");
      }
      return ok(
        expand(ctx, createTaxId(ctx, customer.id, { type: p.type, value }, req.origin), p.expand),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/customers/:id/tax_ids",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(listParams, req.params);
      const customer = requireCustomer(ctx, id, "customer");
      return ok(expand(ctx, taxIdList(ctx, customer.id), p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/customers/:id/tax_ids/:tax_id",
    handler: (ctx, req, [id = "", taxId = ""]) => {
      const p = parseParams(withExpand({}), req.params);
      const stored = ctx.store.get("tax_ids", taxId);
      if (!stored || stored.customer !== id) throw noSuch("tax_id", taxId);
      return ok(expand(ctx, stored, p.expand));
    },
  },
];
