import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import { isDatabaseUnavailable, writeTransaction } from "../../db/dialect";
import { log } from "../observability/log.server";
import { stripe as appStripe } from "../lib/stripe.server";
import type { EventContext, EventSource, EventTable } from "./entry.server";
import { eventSubject } from "./subject";
import { stripeEvents } from "./table.server";
import { errorNameAndMessage } from "../lib/errors";

export type ProcessResult =
  | { ok: true; status: "processed" | "duplicate" }
  /** `unavailable`: the database could not be used (down, locked, timed out); nothing was recorded */
  | { ok: false; error: string; unavailable: boolean };

export interface ProcessOptions {
  db: DB;
  now: Date;
  /** who handed the event in (logged with a failure; entries may read it) */
  source: EventSource;
  /** the Stripe client `prepare` steps read from (the app's by default) */
  stripe?: () => Stripe;
  /** the table to look the type up in (the app's by default; tests pass their own) */
  table?: EventTable;
  /**
   * Called inside each event's transaction once its effects are applied, before it is marked
   * processed; throwing rolls the effects back as any failure would (tests use it to fail one).
   */
  onEffectsApplied?: (event: Stripe.Event) => void;
}

const NOT_HANDLED = "event type not handled by this app";

/**
 * The one entry point for an event whose origin is already established (the webhook route
 * after the signature, a staff replay, the reconciliation command): the entry's `prepare`
 * runs, then one write transaction records the event in the ledger, applies its effects and
 * marks it processed. An event already processed changes nothing ("duplicate"). A failure
 * rolls the effects back and is recorded in a separate write; the result says so and the
 * caller decides (the webhook answers 500 so Stripe retries).
 */
export async function processVerifiedEvent(
  event: Stripe.Event,
  options: ProcessOptions,
): Promise<ProcessResult> {
  const { db, now } = options;
  const entry = (options.table ?? stripeEvents).get(event.type);
  const nowIso = now.toISOString();
  let processedBefore: Promise<boolean> | undefined;
  const ctx: EventContext = {
    db,
    now,
    source: options.source,
    stripe: options.stripe ?? appStripe,
    alreadyProcessed: () =>
      (processedBefore ??= db
        .selectFrom("stripe_webhook_events")
        .select("processed")
        .where("event_id", "=", event.id)
        .executeTakeFirst()
        .then((row) => row?.processed === 1)),
  };
  try {
    const apply = entry ? await entry.prepare(event, ctx) : async () => NOT_HANDLED;
    const status = await writeTransaction(db, async (trx) => {
      // One upsert records the event and says whether it was already processed. The upsert
      // locks the event's row until commit (on Postgres too), so a duplicate delivery on
      // another instance waits here, then reads processed = 1.
      const recorded = await trx
        .insertInto("stripe_webhook_events")
        .values({
          event_id: event.id,
          event_type: event.type,
          ...eventSubject(event),
          created_at: nowIso,
          updated_at: nowIso,
        })
        .onConflict((oc) => oc.column("event_id").doUpdateSet({ updated_at: nowIso }))
        .returning("processed")
        .executeTakeFirstOrThrow();
      if (recorded.processed === 1) return "duplicate" as const;
      const note = await apply(trx);
      options.onEffectsApplied?.(event);
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
    const message = errorNameAndMessage(error);
    // The database is down or locked: recording the failure would wait on it a second time.
    if (isDatabaseUnavailable(error)) return { ok: false, error: message, unavailable: true };
    log.error(
      { eventId: event.id, type: event.type, source: options.source, err: error },
      "Stripe event failed",
    );
    await recordFailure(db, event, message, now).catch((recordError: unknown) =>
      log.error(
        { eventId: event.id, err: recordError },
        "Recording a Stripe event's failure failed",
      ),
    );
    return { ok: false, error: message, unavailable: false };
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
      ...eventSubject(event),
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
