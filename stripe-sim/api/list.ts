import type { SimContext } from "./context.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ObjectTable } from "../store/schema.js";
import type { TableObjects } from "../store/objects.js";

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
  created?:
    | number
    | {
        gt?: number | undefined;
        gte?: number | undefined;
        lt?: number | undefined;
        lte?: number | undefined;
      };
}

const RANGE_OPERATORS = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/** `created=123` or `created[gte]=...`, applied to the row's created column. */
function createdCondition(
  created: ListParams["created"],
): { sql: string; args: unknown[] } | undefined {
  if (created === undefined) return undefined;
  if (typeof created === "number") return { sql: "created = ?", args: [created] };
  const parts: string[] = [];
  const args: unknown[] = [];
  for (const [key, operator] of Object.entries(RANGE_OPERATORS)) {
    const value = created[key as keyof typeof RANGE_OPERATORS];
    if (value === undefined) continue;
    parts.push(`created ${operator} ?`);
    args.push(value);
  }
  return parts.length ? { sql: parts.join(" AND "), args } : undefined;
}

export interface ListObject<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

const RESOURCE_NAMES: Record<ObjectTable, string> = {
  customers: "customer",
  products: "product",
  prices: "price",
  checkout_sessions: "checkout.session",
  payment_intents: "payment_intent",
  charges: "charge",
  payment_methods: "payment_method",
  events: "event",
  webhook_endpoints: "webhook_endpoint",
  subscriptions: "subscription",
  invoices: "invoice",
  invoiceitems: "invoiceitem",
  test_clocks: "test_clock",
  billing_portal_configurations: "billing_portal.configuration",
  billing_portal_sessions: "billing_portal.session",
  setup_intents: "setup_intent",
  refunds: "refund",
  disputes: "dispute",
  balance_transactions: "balance_transaction",
  tax_ids: "tax_id",
};

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return 10;
  if (limit < 1) throw invalidRequest("Invalid limit: must be at least 1", "limit");
  if (limit > 100)
    throw invalidRequest("Invalid limit: must be less than or equal to 100", "limit");
  return limit;
}

/** Stripe's list envelope with cursor pagination, newest first. */
export function listObjects<T extends ObjectTable>(
  ctx: SimContext,
  table: T,
  url: string,
  params: ListParams,
  filters: JsonFilter[] = [],
  where?: { sql: string; args: unknown[] },
): ListObject<TableObjects[T]> {
  const limit = checkLimit(params.limit);
  if (params.starting_after && params.ending_before) {
    throw invalidRequest(
      "You may only specify one of these parameters: starting_after, ending_before.",
      "ending_before",
    );
  }
  const cursorSeq = (param: "starting_after" | "ending_before"): number | undefined => {
    const id = params[param];
    if (!id) return undefined;
    const seq = ctx.store.seqOf(table, id);
    if (seq === undefined) throw noSuch(RESOURCE_NAMES[table], id, param);
    return seq;
  };
  const conditions = [where, createdCondition(params.created)].filter((c) => c !== undefined);
  const combined =
    conditions.length > 0
      ? {
          sql: conditions.map((c) => `(${c.sql})`).join(" AND "),
          args: conditions.flatMap((c) => c.args),
        }
      : undefined;
  const page = ctx.store.list(table, {
    limit,
    afterSeq: cursorSeq("starting_after"),
    beforeSeq: cursorSeq("ending_before"),
    filters,
    ...(combined ? { where: combined } : {}),
  });
  return { object: "list", data: page.data, has_more: page.hasMore, url };
}
