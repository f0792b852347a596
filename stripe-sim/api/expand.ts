import type { SimContext } from "./context.js";
import { withCurrentStatus } from "../domain/balance.js";
import { refundsOfCharge } from "../domain/refunds.js";
import { taxIdList } from "../domain/tax-ids.js";
import { invalidRequest } from "../http/errors.js";
import { INCLUDABLE, stripIncludables } from "./includables.js";
import type { ObjectTable } from "../store/schema.js";

const TABLE_BY_PREFIX: ReadonlyArray<[string, ObjectTable]> = [
  ["cus_", "customers"],
  ["prod_", "products"],
  ["price_", "prices"],
  ["cs_", "checkout_sessions"],
  ["pi_", "payment_intents"],
  ["ch_", "charges"],
  ["pm_", "payment_methods"],
  ["evt_", "events"],
  ["we_", "webhook_endpoints"],
  ["sub_", "subscriptions"],
  ["in_", "invoices"],
  ["ii_", "invoiceitems"],
  ["clock_", "test_clocks"],
  ["bpc_", "billing_portal_configurations"],
  ["bps_", "billing_portal_sessions"],
  ["seti_", "setup_intents"],
  ["re_", "refunds"],
  ["dp_", "disputes"],
  ["txn_", "balance_transactions"],
  ["txi_", "tax_ids"],
];

const MAX_DEPTH = 4;

function loadById(ctx: SimContext, id: string): unknown {
  const table = TABLE_BY_PREFIX.find(([prefix]) => id.startsWith(prefix))?.[1];
  if (table === "balance_transactions") {
    const transaction = ctx.store.get(table, id);
    return transaction ? withCurrentStatus(ctx, transaction) : undefined;
  }
  return table ? ctx.store.get(table, id) : undefined;
}

/**
 * Applies `expand[]` paths such as `payment_intent`, `data.customer` (in lists),
 * `line_items` (sessions) or `payment_intent.latest_charge`: an id field becomes its object.
 */
export function expand<T>(ctx: SimContext, value: T, paths: ReadonlyArray<string> | undefined): T {
  if (!paths || paths.length === 0) return stripIncludables(value, []);
  let result: unknown = value;
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        "expand",
      );
    }
    result = expandPath(ctx, result, segments, path);
  }
  return stripIncludables(result as T, paths);
}

function expandPath(ctx: SimContext, node: unknown, segments: string[], fullPath: string): unknown {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if ((INCLUDABLE[String(record.object)] ?? []).includes(head) && rest.length === 0) return node;
  let field = record[head];
  if (field === undefined && head === "line_items" && record.object === "checkout.session") {
    field = sessionLineItems(ctx, String(record.id));
  } else if (field === undefined && head === "refunds" && record.object === "charge") {
    field = refundsOfCharge(ctx, String(record.id));
  } else if (field === undefined && head === "tax_ids" && record.object === "customer") {
    field = taxIdList(ctx, String(record.id));
  } else if (typeof field === "string") {
    const loaded = loadById(ctx, field);
    if (loaded === undefined) throw cannotExpand(fullPath);
    field = loaded;
  } else if (Array.isArray(field)) {
    if (rest.length === 0) throw cannotExpand(fullPath);
    return { ...record, [head]: field.map((item) => expandPath(ctx, item, rest, fullPath)) };
  } else if (field === null) {
    return node;
  } else if (field === undefined || (rest.length === 0 && !isExpandedObject(field))) {
    throw cannotExpand(fullPath);
  }
  return { ...record, [head]: rest.length ? expandPath(ctx, field, rest, fullPath) : field };
}

function isExpandedObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && "object" in value;
}

function cannotExpand(path: string) {
  return invalidRequest(`This property cannot be expanded (${path}).`, "expand");
}

export function sessionLineItems(ctx: SimContext, sessionId: string) {
  const page = ctx.lineItems.page(sessionId, 100);
  return {
    object: "list" as const,
    data: page.data,
    has_more: page.hasMore,
    url: `/v1/checkout/sessions/${sessionId}/line_items`,
  };
}
