import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database } from "../../db/schema";
import { billingHandlerFor } from "../billing/webhook-events.server";
import { kickDispatcher } from "../lib/background.server";
import { constructWebhookEvent, WebhookSignatureError } from "../lib/stripe.server";
import { applyExpiry, applyFailure, applyFulfilment } from "./fulfilment.server";
import { writeTransaction } from "./write-transaction.server";

type DB = Kysely<Database>;

/** Stripe's own events are a few kB; anything this large is not from Stripe. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Stripe's object ids are at most 255 characters; its event type names are far below 100. */
export const MAX_EVENT_ID_LENGTH = 255;
export const MAX_EVENT_TYPE_LENGTH = 100;

/**
 * The effects of one event, applied inside the event's transaction (database work only; the
 * emails they queue are rendered later by the dispatcher). Returns a note to keep.
 */
type EventHandler = (trx: DB, event: Stripe.Event, now: Date) => Promise<string | null>;

const handlers: Record<string, EventHandler> = {
  "checkout.session.completed": async (trx, event, now) => {
    const session = checkoutSessionOf(event);
    if (session.payment_status === "unpaid") {
      return "payment not settled yet (delayed payment method); waiting for async_payment_succeeded";
    }
    return fulfil(trx, session, now);
  },
  "checkout.session.async_payment_succeeded": async (trx, event, now) =>
    fulfil(trx, checkoutSessionOf(event), now),
  "checkout.session.async_payment_failed": async (trx, event, now) => {
    const result = await applyFailure(trx, checkoutSessionOf(event), now);
    return result === "failed" ? null : noteFor(result);
  },
  "checkout.session.expired": async (trx, event, now) => {
    const result = await applyExpiry(trx, checkoutSessionOf(event), now);
    return result === "expired" ? null : noteFor(result);
  },
};

const ignoreEvent: EventHandler = async () => "event type not handled by this app";

async function fulfil(
  trx: DB,
  session: Stripe.Checkout.Session,
  now: Date,
): Promise<string | null> {
  const outcome = await applyFulfilment(trx, session, now);
  switch (outcome.kind) {
    case "fulfilled":
      return null;
    case "already_paid":
      return "payment already fulfilled";
    case "not_paid":
      return `session payment_status is ${outcome.paymentStatus}; nothing to fulfil`;
    case "unknown_session":
      return noteFor("unknown_session");
    case "mismatch":
      return `not fulfilled: ${outcome.message}`;
    case "not_one_time":
      return `not fulfilled: a ${outcome.mode}-mode session never buys the annual year`;
  }
}

function noteFor(result: "unchanged" | "unknown_session"): string {
  return result === "unknown_session"
    ? "checkout session not created by this app; ignored"
    : "payment already settled; unchanged";
}

function checkoutSessionOf(event: Stripe.Event): Stripe.Checkout.Session {
  const object = event.data.object as Partial<Stripe.Checkout.Session>;
  if (object.object !== "checkout.session" || typeof object.id !== "string") {
    throw new Error(`${event.type} event ${event.id} does not carry a checkout session`);
  }
  return object as Stripe.Checkout.Session;
}

export interface WebhookOptions {
  db: DB;
  now?: () => Date;
  secrets?: readonly string[];
  /**
   * Called inside each event's transaction once its effects are applied, before it is marked
   * processed; throwing rolls the effects back as any failure would (tests use it to fail one).
   */
  onEffectsApplied?: (event: Stripe.Event) => void;
}

/** The whole webhook endpoint: size limit, signature, then one transaction per event. */
export async function handleStripeWebhook(
  request: Request,
  options: WebhookOptions,
): Promise<Response> {
  if (request.method !== "POST")
    return jsonResponse({ error: "Method not allowed" }, 405, { Allow: "POST" });

  const body = await readBodyWithLimit(request, MAX_WEBHOOK_BODY_BYTES);
  if (body === null) return jsonResponse({ error: "Payload too large" }, 413);

  let event: Stripe.Event;
  try {
    event = constructWebhookEvent(body, request.headers.get("stripe-signature"), options.secrets);
  } catch (error) {
    if (error instanceof WebhookSignatureError) return jsonResponse({ error: error.message }, 400);
    throw error;
  }
  if (!isEventShaped(event)) return jsonResponse({ error: "Not a Stripe event" }, 400);

  const now = options.now ?? (() => new Date());
  const result = await processEvent(options.db, event, now(), {
    onEffectsApplied: options.onEffectsApplied,
  });
  if (result.ok) {
    if (result.status === "processed") kickDispatcher();
    return jsonResponse({ received: true, status: result.status }, 200);
  }
  return jsonResponse({ error: "Processing failed; Stripe will retry" }, 500);
}

/**
 * A signed body is still only JSON: `null`, a number or an event without an object would make
 * the handlers throw, answering 500 on every retry of something that can never succeed.
 */
function isEventShaped(value: unknown): value is Stripe.Event {
  if (!isObject(value)) return false;
  const { id, type, data } = value;
  if (typeof id !== "string" || id === "" || id.length > MAX_EVENT_ID_LENGTH) return false;
  if (typeof type !== "string" || type === "" || type.length > MAX_EVENT_TYPE_LENGTH) return false;
  if (!isObject(data) || !isObject(data.object)) return false;
  // The checkout handlers read a session: a checkout event carrying anything else is malformed too.
  return (
    !type.startsWith("checkout.session.") ||
    (data.object.object === "checkout.session" && typeof data.object.id === "string")
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type ProcessResult =
  { ok: true; status: "processed" | "duplicate" } | { ok: false; error: string };

/**
 * Records the event and applies its effects in one transaction; an event already processed
 * changes nothing. A failure rolls the effects back and is recorded in a separate write.
 */
export async function processEvent(
  db: DB,
  event: Stripe.Event,
  now: Date,
  hooks: Pick<WebhookOptions, "onEffectsApplied"> = {},
): Promise<ProcessResult> {
  let handler = handlers[event.type] ?? ignoreEvent;
  const nowIso = now.toISOString();
  // Subscriptions, invoices and subscription-mode Checkout belong to app/billing: they read the
  // subscription from Stripe before the transaction and store it (billing/webhook-events.server.ts).
  const billing = billingHandlerFor(event);
  try {
    if (billing) {
      const effect = await billing(db, event, now);
      handler = (trx) => effect(trx);
    }
    const status = await writeTransaction(db, async (trx) => {
      // One upsert records the event and says whether it was already processed. The upsert
      // locks the event's row until commit (on Postgres too), so a duplicate delivery on
      // another instance waits here, then reads processed = 1.
      const recorded = await trx
        .insertInto("stripe_webhook_events")
        .values({
          event_id: event.id,
          event_type: event.type,
          created_at: nowIso,
          updated_at: nowIso,
        })
        .onConflict((oc) => oc.column("event_id").doUpdateSet({ updated_at: nowIso }))
        .returning("processed")
        .executeTakeFirstOrThrow();
      if (recorded.processed === 1) return "duplicate" as const;
      const note = await handler(trx, event, now);
      hooks.onEffectsApplied?.(event);
      await trx
        .updateTable("stripe_webhook_events")
        .set((eb) => ({
          processed: 1,
          processed_at: nowIso,
          note,
          attempt_count: eb("attempt_count", "+", 1),
          updated_at: nowIso,
        }))
        .where("event_id", "=", event.id)
        .execute();
      return "processed" as const;
    });
    return { ok: true, status };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`Stripe webhook ${event.id} (${event.type}) failed:`, error);
    await recordFailure(db, event, message, now);
    return { ok: false, error: message };
  }
}

async function recordFailure(
  db: DB,
  event: Stripe.Event,
  message: string,
  now: Date,
): Promise<void> {
  const nowIso = now.toISOString();
  await db
    .insertInto("stripe_webhook_events")
    .values({
      event_id: event.id,
      event_type: event.type,
      attempt_count: 1,
      error_message: message.slice(0, 2000),
      created_at: nowIso,
      updated_at: nowIso,
    })
    .onConflict((oc) =>
      oc.column("event_id").doUpdateSet((eb) => ({
        attempt_count: eb("stripe_webhook_events.attempt_count", "+", 1),
        error_message: eb.ref("excluded.error_message"),
        updated_at: nowIso,
      })),
    )
    .execute();
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
