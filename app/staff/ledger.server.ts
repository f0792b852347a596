import { sql } from "kysely";
import type Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { processVerifiedEvent } from "../stripe-events/process.server";
import { recordAudit } from "./audit.server";
import type { Message } from "../i18n/messages";
import { staffMessage } from "./text";
import { errorMessage } from "../lib/errors";

export const LEDGER_PAGE_SIZE = 50;

/**
 * One page of the webhook ledger: events not processed (failing or waiting) or processed,
 * newest first, keyset by id: the unprocessed ones through their partial index (the 0 is a
 * literal so the planner can use it), the processed ones by walking the primary key.
 */
export async function listEvents(
  database: DB,
  processed: 0 | 1,
  before: number | null,
  limit = LEDGER_PAGE_SIZE,
) {
  let query = database
    .selectFrom("stripe_webhook_events")
    .selectAll()
    .where("processed", "=", sql.lit(processed))
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (before !== null) query = query.where("id", "<", before);
  const rows = await query.execute();
  const events = rows.slice(0, limit);
  return { events, next: rows.length > limit ? (events.at(-1)?.id ?? null) : null };
}

export type ReplayOutcome =
  | { ok: true; status: "processed" | "duplicate"; message: Message }
  | { ok: false; status: 404 | 502; message: Message };

function customerOf(event: Stripe.Event): string | null {
  const object = event.data.object as { customer?: unknown; object?: unknown; id?: unknown };
  if (typeof object.customer === "string") return object.customer;
  if (object.customer && typeof (object.customer as { id?: unknown }).id === "string")
    return (object.customer as { id: string }).id;
  if (object.object === "customer" && typeof object.id === "string") return object.id;
  return null;
}

/**
 * "Replay": reads the event again from Stripe's Events API by id (never from the ledger or a
 * form) and hands it to the same entry point as the webhook. An event already processed
 * answers "duplicate" and changes nothing; a failed one runs its effects again.
 */
export async function replayEvent(
  database: DB,
  stripe: Stripe,
  input: { staff: Pick<User, "id" | "email">; eventId: string; requestKey: string; now: Date },
): Promise<ReplayOutcome> {
  const before = await database
    .selectFrom("stripe_webhook_events")
    .select(["processed", "error_message", "attempt_count", "note"])
    .where("event_id", "=", input.eventId)
    .executeTakeFirst();
  if (!before)
    return { ok: false, status: 404, message: staffMessage("staff:messages.noSuchEvent") };
  let event: Stripe.Event;
  try {
    event = await stripe.events.retrieve(input.eventId);
  } catch (error) {
    const message = errorMessage(error);
    await recordAudit(database, {
      staff: input.staff,
      action: "replay-event",
      targetUserId: null,
      target: input.eventId,
      before,
      outcome: "failed",
      error: `Stripe: ${message}`,
      requestKey: input.requestKey,
      at: input.now,
    });
    return {
      ok: false,
      status: 502,
      message: staffMessage("staff:messages.eventUnreadable", { message }),
    };
  }
  const result = await processVerifiedEvent(event, {
    db: database,
    now: input.now,
    source: "replay",
  });
  const customer = customerOf(event);
  const member = customer
    ? await database
        .selectFrom("stripe_customers")
        .select("user_id")
        .where("stripe_customer_id", "=", customer)
        .executeTakeFirst()
    : undefined;
  const after = await database
    .selectFrom("stripe_webhook_events")
    .select(["processed", "error_message", "attempt_count", "note"])
    .where("event_id", "=", input.eventId)
    .executeTakeFirst();
  await recordAudit(database, {
    staff: input.staff,
    action: "replay-event",
    targetUserId: member?.user_id ?? null,
    target: `${input.eventId} (${event.type})`,
    before,
    after: { ...after, result: result.ok ? result.status : "failed" },
    outcome: result.ok ? "done" : "failed",
    error: result.ok ? null : result.error,
    requestKey: input.requestKey,
    at: input.now,
  });
  if (!result.ok)
    return {
      ok: false,
      status: 502,
      message: staffMessage("staff:messages.eventFailedAgain", { message: result.error }),
    };
  return {
    ok: true,
    status: result.status,
    message:
      result.status === "duplicate"
        ? staffMessage("staff:messages.eventDuplicate", { id: input.eventId })
        : staffMessage("staff:messages.eventProcessed", { id: input.eventId }),
  };
}
