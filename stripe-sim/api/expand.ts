import type { SimContext } from "./context.js";
import { invalidRequest } from "../http/errors.js";
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
];

const MAX_DEPTH = 4;

function loadById(ctx: SimContext, id: string): unknown {
  const table = TABLE_BY_PREFIX.find(([prefix]) => id.startsWith(prefix))?.[1];
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

/**
 * Fields Stripe leaves out unless asked for with expand[] ("includable"): an invoice's
 * `payments` and `confirmation_secret`. The store keeps them; answers and events show them only
 * when expanded.
 */
const INCLUDABLE: Record<string, ReadonlyArray<string>> = {
  invoice: ["payments", "confirmation_secret"],
};

export function stripIncludables<T>(value: T, paths: ReadonlyArray<string>): T {
  const walk = (node: unknown, prefix: string): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, prefix));
    if (node === null || typeof node !== "object") return node;
    const record = node as Record<string, unknown>;
    const hidden = INCLUDABLE[String(record.object)] ?? [];
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(record)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (hidden.includes(key) && !paths.some((p) => p === path || p.startsWith(`${path}.`)))
        continue;
      out[key] = walk(child, path);
    }
    return out;
  };
  return walk(value, "") as T;
}

function expandPath(ctx: SimContext, node: unknown, segments: string[], fullPath: string): unknown {
  const [head, ...rest] = segments;
  if (head === undefined || node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if ((INCLUDABLE[String(record.object)] ?? []).includes(head) && rest.length === 0) return node;
  let field = record[head];
  if (field === undefined && head === "line_items" && record.object === "checkout.session") {
    field = sessionLineItems(ctx, String(record.id));
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
