import { withCurrentStatus } from "../domain/balance.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { listShape, parseParams, str, withExpand } from "./params.js";
import { requireStored, retrieveRoute } from "./retrieve.js";

const listParams = withExpand({
  ...listShape,
  currency: str.optional(),
  source: str.optional(),
  type: str.optional(),
  payout: str.optional(),
});

export const balanceTransactionRoutes: ApiRoute[] = [
  retrieveRoute("/v1/balance_transactions/:id", (ctx, id) =>
    withCurrentStatus(ctx, requireStored(ctx, "balance_transactions", id, "balance transaction")),
  ),
  {
    method: "GET",
    path: "/v1/balance_transactions",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.currency !== undefined) filters.push({ path: "$.currency", value: p.currency });
      if (p.source !== undefined) filters.push({ path: "$.source", value: p.source });
      if (p.type !== undefined) filters.push({ path: "$.type", value: p.type });
      // No payouts here: a payout filter matches nothing.
      if (p.payout !== undefined) return ok(emptyList());
      const list = listObjects(ctx, "balance_transactions", "/v1/balance_transactions", p, filters);
      return ok(
        expand(
          ctx,
          { ...list, data: list.data.map((txn) => withCurrentStatus(ctx, txn)) },
          p.expand,
        ),
      );
    },
  },
];

function emptyList() {
  return { object: "list", data: [], has_more: false, url: "/v1/balance_transactions" };
}
