import type Stripe from "stripe";
import { z } from "zod";
import type { ApiRoute, EventOrigin, SimContext } from "./context.js";
import { ok } from "./context.js";
import { invalidRequest, missingParam, noSuch } from "../http/errors.js";
import type { StripeApiError } from "../http/errors.js";
import { newId } from "../ids.js";
import { previousAttributes } from "../domain/events.js";
import { buildPrice } from "../objects/price.js";
import type { PriceFields } from "../objects/price.js";
import type { JsonFilter } from "../store/objects.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { createProduct, requireProduct } from "./products.js";
import {
  bool,
  int,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  orNull,
  parseParams,
  str,
  stringList,
  withExpand,
} from "./params.js";
import { retrieveRoute } from "./retrieve.js";

/**
 * ISO 4217 codes as the runtime's ICU knows them, plus retired codes Stripe's own list still
 * names (its "Invalid currency" message lists std, mro, vef, eek, ltl, lvl, svc), which ICU drops.
 */
const CURRENCIES = new Set([
  ...Intl.supportedValuesOf("currency").map((code) => code.toLowerCase()),
  ..."std mro vef eek ltl lvl svc".split(" "),
]);

export const currency = str
  .transform((value) => value.toLowerCase())
  .superRefine((value, ctx) => {
    if (!CURRENCIES.has(value)) {
      ctx.addIssue({
        code: "custom",
        message: `Invalid currency: ${value}. Use a three-letter ISO 4217 currency code in lowercase, such as usd, eur or mad.`,
      });
    }
  });

const recurring = obj({
  interval: z.enum(["day", "week", "month", "year"]),
  interval_count: int.optional(),
  usage_type: z.enum(["licensed", "metered"]).optional(),
  trial_period_days: int.optional(),
});

const productData = obj({
  name: str,
  active: bool.optional(),
  metadata: metadata.optional(),
  statement_descriptor: str.optional(),
  unit_label: str.optional(),
  tax_code: str.optional(),
});

const createParams = withExpand({
  currency,
  product: str.optional(),
  product_data: productData.optional(),
  unit_amount: int.optional(),
  unit_amount_decimal: str.optional(),
  active: bool.optional(),
  lookup_key: str.optional(),
  transfer_lookup_key: bool.optional(),
  nickname: str.optional(),
  metadata: metadata.optional(),
  recurring: recurring.optional(),
  tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
  billing_scheme: z.literal("per_unit").optional(),
});

const listParams = withExpand({
  ...listShape,
  active: bool.optional(),
  currency: str.optional(),
  product: str.optional(),
  type: z.enum(["one_time", "recurring"]).optional(),
  lookup_keys: stringList.optional(),
  recurring: obj({ interval: str.optional(), usage_type: str.optional() }).optional(),
});

/**
 * Stripe's technical ceiling for an amount in the smallest currency unit: eight digits
 * (99999999 is $999,999.99), for prices, PaymentIntents and so a Checkout Session's total.
 */
export const MAX_AMOUNT = 99_999_999;

export function tooLarge(param: string): StripeApiError {
  return invalidRequest(`This value must be less than or equal to ${MAX_AMOUNT}.`, param);
}

/** unit_amount or its decimal string form (at most 12 decimal places); Stripe requires one of them for per-unit prices. */
export function unitAmountOf(
  unitAmount: number | undefined,
  unitAmountDecimal: string | undefined,
  parent = "",
): number {
  const param = (name: string) => (parent ? `${parent}[${name}]` : name);
  if (unitAmount !== undefined) {
    if (unitAmount < 0) throw invalidRequest("Invalid non-negative integer", param("unit_amount"));
    if (unitAmount > MAX_AMOUNT) throw tooLarge(param("unit_amount"));
    return unitAmount;
  }
  if (unitAmountDecimal !== undefined) {
    if (!/^\d+(\.\d{1,12})?$/.test(unitAmountDecimal.trim())) {
      throw invalidRequest(`Invalid decimal: ${unitAmountDecimal}`, param("unit_amount_decimal"));
    }
    const value = Math.round(Number(unitAmountDecimal));
    if (value > MAX_AMOUNT) throw tooLarge(param("unit_amount_decimal"));
    return value;
  }
  throw missingParam(param("unit_amount"));
}

/** Stripe bills at most yearly: 1 year, 12 months, 52 weeks or 365 days. */
const MAX_INTERVAL_COUNT = { day: 365, week: 52, month: 12, year: 1 } as const;

function checkRecurring(
  recurring:
    { interval: keyof typeof MAX_INTERVAL_COUNT; interval_count?: number | undefined } | undefined,
): void {
  if (!recurring || recurring.interval_count === undefined) return;
  if (
    recurring.interval_count < 1 ||
    recurring.interval_count > MAX_INTERVAL_COUNT[recurring.interval]
  ) {
    throw invalidRequest(
      "Invalid recurring[interval_count]: the maximum billing interval is 1 year (1 year, 12 months, 52 weeks or 365 days).",
      "recurring[interval_count]",
    );
  }
}

export function createPrice(
  ctx: SimContext,
  fields: PriceFields,
  origin: EventOrigin,
  options: { emitEvent?: boolean; transferLookupKey?: boolean } = {},
): Stripe.Price {
  if (fields.lookupKey) {
    const holder = ctx.store.list("prices", {
      limit: 1,
      filters: [{ path: "$.lookup_key", value: fields.lookupKey }],
    }).data[0];
    if (holder && !options.transferLookupKey) {
      throw invalidRequest(
        `A price (\`${holder.id}\`) already uses that lookup key.`,
        "lookup_key",
        "lookup_key_already_in_use",
      );
    }
    if (holder) {
      ctx.store.replace("prices", { ...holder, lookup_key: null });
      ctx.events.emit("price.updated", { ...holder, lookup_key: null }, origin, {
        lookup_key: holder.lookup_key,
      });
    }
  }
  const price = buildPrice(newId("price"), ctx.clock.nowSeconds(), fields);
  ctx.store.insert("prices", price);
  if (options.emitEvent !== false) ctx.events.emit("price.created", price, origin);
  return price;
}

export function requirePrice(ctx: SimContext, id: string, param = "id"): Stripe.Price {
  const price = ctx.store.get("prices", id);
  if (!price) throw noSuch("price", id, param);
  return price;
}

const updateParams = withExpand({
  active: bool.optional(),
  lookup_key: str.optional(),
  transfer_lookup_key: bool.optional(),
  nickname: str.optional(),
  metadata: metadata.optional(),
  tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
});

export const priceRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/prices/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const before = requirePrice(ctx, id);
      const lookupKey = p.lookup_key === undefined ? before.lookup_key : orNull(p.lookup_key);
      if (lookupKey && lookupKey !== before.lookup_key) {
        const holder = ctx.store.list("prices", {
          limit: 1,
          filters: [{ path: "$.lookup_key", value: lookupKey }],
        }).data[0];
        if (holder && !p.transfer_lookup_key) {
          throw invalidRequest(
            `A price (\`${holder.id}\`) already uses that lookup key.`,
            "lookup_key",
            "lookup_key_already_in_use",
          );
        }
        if (holder) {
          const released = { ...holder, lookup_key: null };
          ctx.store.replace("prices", released);
          ctx.events.emit("price.updated", released, req.origin, { lookup_key: holder.lookup_key });
        }
      }
      const after: Stripe.Price = {
        ...before,
        active: p.active ?? before.active,
        lookup_key: lookupKey,
        nickname: p.nickname === undefined ? before.nickname : orNull(p.nickname),
        metadata: mergeMetadata(before.metadata, p.metadata),
        tax_behavior: p.tax_behavior ?? before.tax_behavior,
      };
      const changed = previousAttributes(before, after);
      if (Object.keys(changed).length > 0) {
        ctx.store.replace("prices", after);
        ctx.events.emit("price.updated", after, req.origin, changed);
      }
      return ok(expand(ctx, after, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/prices",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      checkRecurring(p.recurring);
      if (p.product && p.product_data) {
        throw invalidRequest(
          "You may only specify one of these parameters: product, product_data.",
          "product_data",
        );
      }
      let productId: string;
      if (p.product) {
        productId = requireProduct(ctx, p.product, "product").id;
      } else if (p.product_data) {
        productId = createProduct(
          ctx,
          {
            name: p.product_data.name,
            description: null,
            active: p.product_data.active ?? true,
            metadata: mergeMetadata({}, p.product_data.metadata),
            images: [],
            url: null,
            unitLabel: orNull(p.product_data.unit_label),
            statementDescriptor: orNull(p.product_data.statement_descriptor),
          },
          req.origin,
        ).id;
      } else {
        throw missingParam("product");
      }
      const price = createPrice(
        ctx,
        {
          productId,
          currency: p.currency,
          unitAmount: unitAmountOf(p.unit_amount, p.unit_amount_decimal),
          active: p.active ?? true,
          lookupKey: orNull(p.lookup_key),
          nickname: orNull(p.nickname),
          metadata: mergeMetadata({}, p.metadata),
          recurring: p.recurring
            ? { interval: p.recurring.interval, intervalCount: p.recurring.interval_count ?? 1 }
            : null,
          taxBehavior: p.tax_behavior ?? "unspecified",
        },
        req.origin,
        { transferLookupKey: p.transfer_lookup_key ?? false },
      );
      return ok(expand(ctx, price, p.expand));
    },
  },
  retrieveRoute("/v1/prices/:id", requirePrice),
  {
    method: "GET",
    path: "/v1/prices",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.active !== undefined) filters.push({ path: "$.active", value: p.active });
      if (p.currency !== undefined)
        filters.push({ path: "$.currency", value: p.currency.toLowerCase() });
      if (p.product !== undefined) filters.push({ path: "$.product", value: p.product });
      if (p.type !== undefined) filters.push({ path: "$.type", value: p.type });
      if (p.lookup_keys !== undefined) filters.push({ path: "$.lookup_key", value: p.lookup_keys });
      if (p.recurring?.interval !== undefined)
        filters.push({ path: "$.recurring.interval", value: p.recurring.interval });
      return ok(expand(ctx, listObjects(ctx, "prices", "/v1/prices", p, filters), p.expand));
    },
  },
];
