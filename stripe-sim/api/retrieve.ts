import type { z } from "zod";
import { noSuch } from "../http/errors.js";
import type { TableObjects } from "../store/objects.js";
import type { ObjectTable } from "../store/schema.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { parseParams, withExpand } from "./params.js";

const expandOnly = withExpand({});

/**
 * `GET <path>` with one `:id`: the object `find` answers (or throws for), expanded as asked. The
 * query is checked before the lookup, so a bad parameter is reported ahead of a missing object.
 */
export function retrieveRoute(
  path: string,
  find: (ctx: SimContext, id: string) => unknown,
  params: z.ZodType<{ expand?: string[] | undefined }> = expandOnly,
): ApiRoute {
  return {
    method: "GET",
    path,
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(params, req.params);
      return ok(expand(ctx, find(ctx, id), p.expand));
    },
  };
}

/** The stored object, or Stripe's resource_missing error naming `resource`. */
export function requireStored<T extends ObjectTable>(
  ctx: SimContext,
  table: T,
  id: string,
  resource: string,
): TableObjects[T] {
  const object = ctx.store.get(table, id);
  if (!object) throw noSuch(resource, id);
  return object;
}
