import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "./context.js";
import { ok } from "./context.js";
import type { ApiRoute } from "./context.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId } from "../ids.js";
import { previousAttributes } from "../domain/events.js";
import { buildProduct } from "../objects/product.js";
import type { ProductFields } from "../objects/product.js";
import type { JsonFilter } from "../store/objects.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  listShape,
  mergeMetadata,
  metadata,
  orNull,
  parseParams,
  str,
  stringList,
  withExpand,
} from "./params.js";
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
const listParams = withExpand({
  ...listShape,
  active: bool.optional(),
  ids: stringList.optional(),
});

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

const updateParams = withExpand({
  name: str.optional(),
  description: str.optional(),
  active: bool.optional(),
  metadata: metadata.optional(),
  images: stringList.optional(),
  url: str.optional(),
  unit_label: str.optional(),
  statement_descriptor: str.optional(),
  default_price: str.optional(),
});

export const productRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/products/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const before = requireProduct(ctx, id);
      if (p.name !== undefined && p.name.trim() === "")
        throw invalidRequest("You must provide a non-empty name for the product.", "name");
      let defaultPrice = before.default_price;
      if (p.default_price !== undefined) {
        if (p.default_price === "") defaultPrice = null;
        else {
          const price = ctx.store.get("prices", p.default_price);
          if (!price) throw noSuch("price", p.default_price, "default_price");
          if ((typeof price.product === "string" ? price.product : price.product.id) !== id) {
            throw invalidRequest("The default price must belong to this product.", "default_price");
          }
          defaultPrice = price.id;
        }
      }
      const after: Stripe.Product = {
        ...before,
        name: p.name ?? before.name,
        description: p.description === undefined ? before.description : orNull(p.description),
        active: p.active ?? before.active,
        metadata: mergeMetadata(before.metadata, p.metadata),
        images: p.images ?? before.images,
        url: p.url === undefined ? before.url : orNull(p.url),
        unit_label: p.unit_label === undefined ? before.unit_label : orNull(p.unit_label),
        statement_descriptor:
          p.statement_descriptor === undefined
            ? before.statement_descriptor
            : orNull(p.statement_descriptor),
        default_price: defaultPrice,
      };
      const changed = previousAttributes(before, after);
      if (Object.keys(changed).length > 0) {
        const updated = { ...after, updated: ctx.clock.nowSeconds() };
        ctx.store.replace("products", updated);
        ctx.events.emit("product.updated", updated, req.origin, changed);
        return ok(expand(ctx, updated, p.expand));
      }
      return ok(expand(ctx, after, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/products",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      if (p.name.trim() === "")
        throw invalidRequest("You must provide a non-empty name for the product.", "name");
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
