import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import { now as appNow } from "../lib/clock.server";
import { constructWebhookEvent, WebhookSignatureError } from "../lib/stripe.server";
import { RETRY_AFTER_SECONDS } from "../lib/unavailable.server";
import { requestLog } from "../observability/log.server";
import { countWebhook, type WebhookOutcome } from "../observability/metrics.server";
import { processVerifiedEvent, type ProcessOptions } from "./process.server";
import { stripeEvents } from "./table.server";

/** Stripe's own events are a few kB; anything this large is not from Stripe. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Stripe's object ids are at most 255 characters; its event type names are far below 100. */
export const MAX_EVENT_ID_LENGTH = 255;
export const MAX_EVENT_TYPE_LENGTH = 100;

export interface WebhookOptions extends Pick<ProcessOptions, "onEffectsApplied" | "stripe"> {
  db: DB;
  now?: () => Date;
  secrets?: readonly string[];
}

/**
 * The whole webhook endpoint: size limit, signature, shape, then processVerifiedEvent (one
 * transaction per event). 200 when the event is recorded (handled or not), 500 on a failure
 * so that Stripe retries.
 */
export async function handleStripeWebhook(
  request: Request,
  options: WebhookOptions,
): Promise<Response> {
  if (request.method !== "POST")
    return jsonResponse({ error: "Method not allowed" }, 405, { Allow: "POST" });

  const started = performance.now();
  const logger = requestLog(request);
  const finish = (type: string, outcome: WebhookOutcome, fields: Record<string, unknown> = {}) => {
    const seconds = (performance.now() - started) / 1000;
    countWebhook(type, outcome, seconds);
    const line = { ...fields, type, outcome, ms: Math.round(seconds * 10_000) / 10 };
    if (outcome === "failed" || outcome === "bad_signature") logger.warn(line, "Stripe webhook");
    else logger.info(line, "Stripe webhook");
  };
  const body = await readBodyWithLimit(request, MAX_WEBHOOK_BODY_BYTES);
  if (body === null) return jsonResponse({ error: "Payload too large" }, 413);

  let event: Stripe.Event;
  try {
    event = constructWebhookEvent(body, request.headers.get("stripe-signature"), options.secrets);
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      finish("unknown", "bad_signature", { reason: error.message });
      return jsonResponse({ error: error.message }, 400);
    }
    throw error;
  }
  if (!isEventShaped(event)) {
    finish("malformed", "failed", { reason: "signed body is not a Stripe event" });
    return jsonResponse({ error: "Not a Stripe event" }, 400);
  }

  const now = options.now ?? appNow;
  const result = await processVerifiedEvent(event, {
    db: options.db,
    now: now(),
    source: "webhook",
    stripe: options.stripe,
    onEffectsApplied: options.onEffectsApplied,
  });
  const eventFields = { eventId: event.id };
  if (result.ok) {
    const outcome =
      result.status === "duplicate"
        ? "duplicate"
        : stripeEvents.get(event.type)
          ? "processed"
          : "ignored";
    finish(event.type, outcome, eventFields);
    return jsonResponse({ received: true, status: result.status }, 200);
  }
  finish(event.type, "failed", {
    ...eventFields,
    error: result.error.slice(0, 500),
    databaseUnavailable: result.unavailable,
  });
  if (result.unavailable) {
    return jsonResponse({ error: "Database unavailable; Stripe will retry" }, 503, {
      "Retry-After": String(RETRY_AFTER_SECONDS),
    });
  }
  return jsonResponse({ error: "Processing failed; Stripe will retry" }, 500);
}

/**
 * A signed body is still only JSON: `null`, a number or an event without an object would make
 * the entries throw, answering 500 on every retry of something that can never succeed.
 */
function isEventShaped(value: unknown): value is Stripe.Event {
  if (!isObject(value)) return false;
  const { id, type, data } = value;
  if (typeof id !== "string" || id === "" || id.length > MAX_EVENT_ID_LENGTH) return false;
  if (typeof type !== "string" || type === "" || type.length > MAX_EVENT_TYPE_LENGTH) return false;
  if (!isObject(data) || !isObject(data.object)) return false;
  // The checkout entries read a session: a checkout event carrying anything else is malformed too.
  return (
    !type.startsWith("checkout.session.") ||
    (data.object.object === "checkout.session" && typeof data.object.id === "string")
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The raw body as bytes (signatures cover the exact bytes), or null when it is larger than
 * `limit`: refused from Content-Length when it is declared, else while streaming, so an
 * oversized body is never held in memory.
 */
export async function readBodyWithLimit(request: Request, limit: number): Promise<Buffer | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel("payload too large").catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function jsonResponse(
  body: unknown,
  status: number,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}
