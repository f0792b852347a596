import type { IncomingMessage, ServerResponse } from "node:http";
import { API_VERSION } from "../api-version.js";
import type { ApiResult, SimContext } from "../api/context.js";
import { matchApiRoute } from "../api/routes.js";
import { newId } from "../ids.js";
import type { IdempotencyStore } from "../store/idempotency.js";
import { knownApiVersion } from "./api-version-header.js";
import { authenticate } from "./auth.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./body.js";
import { errorEnvelope, invalidRequest, StripeApiError } from "./errors.js";
import { MalformedParamsError, parseForm, parseQuery } from "./form.js";
import { sendJson } from "./respond.js";

/** Stable text of the params, so a retried request with the same params matches its key. */
function fingerprint(method: string, path: string, params: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify([method, path, canonical(params)]);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const query = parseQuery(url.search);
  if (req.method === "GET" || req.method === "DELETE" || req.method === "HEAD") {
    return query;
  }
  const text = await readBody(req);
  const type = (header(req, "content-type") ?? "").toLowerCase();
  if (text.trim() !== "" && type !== "" && !type.startsWith("application/x-www-form-urlencoded")) {
    throw invalidRequest(
      `Invalid request: the body must be application/x-www-form-urlencoded (received ${type.split(";")[0]}).`,
    );
  }
  return { ...query, ...parseForm(text) };
}

/**
 * /v1 requests: authentication, parameter decoding, idempotent replay, and the handler inside
 * one SQLite transaction so a failure leaves nothing half-made.
 */
export async function handleApi(
  ctx: SimContext,
  idempotency: IdempotencyStore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const requestId = newId("req");
  const headers: Record<string, string> = {
    "Request-Id": requestId,
    "Stripe-Version": header(req, "stripe-version") ?? API_VERSION,
    "Access-Control-Allow-Origin": "*",
  };
  const method = req.method ?? "GET";
  const respond = (result: ApiResult, extra: Record<string, string> = {}) => {
    if (result.status >= 500) extra["Stripe-Should-Retry"] = "false";
    sendJson(res, result.status, result.body, { ...headers, ...extra });
  };
  try {
    authenticate(req);
    const version = header(req, "stripe-version");
    if (version !== undefined && !knownApiVersion(version)) {
      headers["Stripe-Version"] = API_VERSION;
      throw invalidRequest(`Invalid Stripe API version: ${version.slice(0, 100)}`);
    }
    let params: Record<string, unknown>;
    try {
      params = await readParams(req, url);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new StripeApiError(413, {
          type: "invalid_request_error",
          message: `Request body too large: the limit is ${MAX_BODY_BYTES} bytes.`,
        });
      }
      if (error instanceof MalformedParamsError) throw invalidRequest(error.message, error.param);
      throw error;
    }
    const route = matchApiRoute(method, url.pathname);
    if (!route) {
      throw new StripeApiError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    const idempotencyKey = method === "POST" ? (header(req, "idempotency-key") ?? null) : null;
    const print = fingerprint(method, url.pathname, params);
    if (idempotencyKey) {
      const previous = idempotency.find(idempotencyKey, ctx.clock.nowSeconds() * 1000);
      if (previous && previous.fingerprint !== print) {
        throw new StripeApiError(400, {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        });
      }
      if (previous) {
        respond(
          { status: previous.status, body: previous.body },
          { "Idempotent-Replayed": "true" },
        );
        return;
      }
    }
    const request = {
      method,
      path: url.pathname,
      params,
      origin: { id: requestId, idempotency_key: idempotencyKey },
    };
    // Runs synchronously, so no other request can interleave between the check above and the save.
    const result = ctx.db.transaction(() => {
      const outcome = route.handler(ctx, request, route.args);
      if (idempotencyKey) {
        const body = JSON.stringify(outcome.body, null, 2);
        idempotency.save(
          idempotencyKey,
          { fingerprint: print, status: outcome.status, body },
          ctx.clock.nowSeconds() * 1000,
        );
        return { status: outcome.status, body };
      }
      return outcome;
    })();
    respond(result);
  } catch (error) {
    if (error instanceof StripeApiError) {
      respond({ status: error.status, body: errorEnvelope(error.body) });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    respond({
      status: 500,
      body: errorEnvelope({ type: "api_error", message: `stripe-sim internal error: ${message}` }),
    });
  }
}
