import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "./context.js";
import { ok } from "./context.js";
import type { ApiRoute } from "./context.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildProduct } from "../objects/product.js";
import type { ProductFields } from "../objects/product.js";
import type { JsonFilter } from "../store/objects.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import { bool, listShape, mergeMetadata, metadata, orNull, parseParams, str, stringList, withExpand } from "./params.js";
import { retrieveRoute } from "./retrieve.js";

const createParams = withExpand({
  id: str.optional(),
  name: str,
  description: str.optional(),
  active: bool.optional(),
  metadata: metadata.optional(),
  images: stringList.optional(),
  url: str.optional(),
  unit_label: str.optional(),
  statement_descriptor: str.optional(),
  shippable: bool.optional(),
  tax_code: str.optional(),
});
const listParams = withExpand({ ...listShape, active: bool.optional(), ids: stringList.optional() });

export function createProduct(
  ctx: SimContext,
  fields: ProductFields,
  origin: EventOrigin,
  options: { id?: string; emitEvent?: boolean } = {},
): Stripe.Product {
  const id = options.id ?? newId("prod");
  if (ctx.store.get("products", id)) {
    throw invalidRequest(`Product already exists.`, "id", "resource_already_exists");
  }
  const product = buildProduct(id, ctx.clock.nowSeconds(), fields);
  ctx.store.insert("products", product);
  if (options.emitEvent !== false) ctx.events.emit("product.created", product, origin);
  return product;
}

export function requireProduct(ctx: SimContext, id: string, param = "id"): Stripe.Product {
  const product = ctx.store.get("products", id);
  if (!product) throw noSuch("product", id, param);
  return product;
}

export const productRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/products",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      if (p.name.trim() === "") throw invalidRequest("You must provide a non-empty name for the product.", "name");
      const product = createProduct(
        ctx,
        {
          name: p.name,
          description: orNull(p.description),
          active: p.active ?? true,
          metadata: mergeMetadata({}, p.metadata),
          images: p.images ?? [],
          url: orNull(p.url),
          unitLabel: orNull(p.unit_label),
          statementDescriptor: orNull(p.statement_descriptor),
        },
        req.origin,
        p.id ? { id: p.id } : {},
      );
      return ok(expand(ctx, product, p.expand));
    },
  },
  retrieveRoute("/v1/products/:id", requireProduct),
  {
    method: "GET",
    path: "/v1/products",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.active !== undefined) filters.push({ path: "$.active", value: p.active });
      if (p.ids !== undefined) filters.push({ path: "$.id", value: p.ids });
      return ok(expand(ctx, listObjects(ctx, "products", "/v1/products", p, filters), p.expand));
    },
  },
];
