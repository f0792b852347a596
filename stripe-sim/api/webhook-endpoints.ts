import type Stripe from "stripe";
import { previousAttributes } from "../domain/events.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId, newWebhookSecret } from "../ids.js";
import { buildWebhookEndpoint } from "../objects/webhook-endpoint.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
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

const createParams = withExpand({
  url: str,
  enabled_events: stringList,
  description: str.optional(),
  metadata: metadata.optional(),
  api_version: str.optional(),
  connect: bool.optional(),
});
const updateParams = withExpand({
  url: str.optional(),
  enabled_events: stringList.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  disabled: bool.optional(),
});
const listParams = withExpand(listShape);

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return url;
  } catch {
    // fall through to the error below
  }
  throw invalidRequest(
    "Invalid URL: URL must be publicly accessible and use http or https.",
    "url",
    "url_invalid",
  );
}

function checkEvents(events: string[], param: string): string[] {
  if (events.length === 0)
    throw invalidRequest("enabled_events must contain at least one event type.", param);
  const bad = events.find((type) => type !== "*" && !/^[a-z_]+(\.[a-z_]+)+$/.test(type));
  if (bad) throw invalidRequest(`Invalid event type: ${bad}`, param);
  return events;
}

function requireEndpoint(ctx: SimContext, id: string): Stripe.WebhookEndpoint {
  const endpoint = ctx.store.get("webhook_endpoints", id);
  if (!endpoint) throw noSuch("webhook_endpoint", id);
  return endpoint;
}

export const webhookEndpointRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/webhook_endpoints",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      const endpoint = buildWebhookEndpoint(newId("we"), ctx.clock.nowSeconds(), {
        url: checkUrl(p.url),
        enabledEvents: checkEvents(p.enabled_events, "enabled_events"),
        description: orNull(p.description),
        metadata: mergeMetadata({}, p.metadata),
        apiVersion: orNull(p.api_version),
      });
      const secret = newWebhookSecret();
      ctx.store.insert("webhook_endpoints", endpoint);
      ctx.endpointSecrets.set(endpoint.id, secret);
      // Only the create response carries the secret, as in Stripe.
      return ok(expand(ctx, { ...endpoint, secret }, p.expand));
    },
  },
  retrieveRoute("/v1/webhook_endpoints/:id", requireEndpoint),
  {
    method: "POST",
    path: "/v1/webhook_endpoints/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const before = requireEndpoint(ctx, id);
      const after: Stripe.WebhookEndpoint = {
        ...before,
        ...(p.url !== undefined ? { url: checkUrl(p.url) } : {}),
        ...(p.enabled_events !== undefined
          ? { enabled_events: checkEvents(p.enabled_events, "enabled_events") }
          : {}),
        ...(p.description !== undefined ? { description: orNull(p.description) } : {}),
        ...(p.disabled !== undefined ? { status: p.disabled ? "disabled" : "enabled" } : {}),
        metadata: mergeMetadata(before.metadata, p.metadata),
      };
      if (Object.keys(previousAttributes(before, after)).length > 0)
        ctx.store.replace("webhook_endpoints", after);
      return ok(expand(ctx, after, p.expand));
    },
  },
  {
    method: "DELETE",
    path: "/v1/webhook_endpoints/:id",
    handler: (ctx, req, [id = ""]) => {
      parseParams(obj({}), req.params);
      requireEndpoint(ctx, id);
      ctx.store.delete("webhook_endpoints", id);
      ctx.endpointSecrets.delete(id);
      return ok({ id, object: "webhook_endpoint", deleted: true });
    },
  },
  {
    method: "GET",
    path: "/v1/webhook_endpoints",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      return ok(
        expand(ctx, listObjects(ctx, "webhook_endpoints", "/v1/webhook_endpoints", p), p.expand),
      );
    },
  },
];
