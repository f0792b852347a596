import type Stripe from "stripe";
import type { DB } from "../../db/schema";

/** Who handed the event in: Stripe's delivery, a staff replay, or the reconciliation command. */
export type EventSource = "webhook" | "replay" | "sync";

/** What an entry's steps may use besides the event. */
export interface EventContext {
  db: DB;
  stripe: () => Stripe;
  now: Date;
  source: EventSource;
  /**
   * Whether the ledger already holds this event as processed. A `prepare` that reads from
   * Stripe asks first, so a repeated delivery reads nothing (its transaction then answers
   * "duplicate" without calling `apply`).
   */
  alreadyProcessed: () => Promise<boolean>;
}

/** The event of one type, with its `data.object` typed (Stripe.Event is a union on `type`). */
export type EventOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>;

/**
 * How events (of one type, or of several sharing an entry) are handled, in two steps:
 * - `prepare` runs before the transaction and may read from Stripe (network I/O never runs
 *   inside a transaction); what it returns is handed to `apply`;
 * - `apply` runs inside the event's write transaction, only awaits database work (it may run
 *   more than once when the database asks for a retry) and returns the note kept in the
 *   ledger (`stripe_webhook_events.note`; null when there is nothing to say).
 */
export interface EventEntry<E extends Stripe.Event, P = undefined> {
  prepare?: (event: E, ctx: EventContext) => Promise<P>;
  apply: (trx: DB, event: E, prepared: P, ctx: EventContext) => Promise<string | null>;
}

/** An entry of the table, its prepared value hidden in the closure `prepare` returns. */
export interface RegisteredEvent {
  readonly type: Stripe.Event.Type;
  prepare(event: Stripe.Event, ctx: EventContext): Promise<(trx: DB) => Promise<string | null>>;
}

/** One line of the table: the event type written in full and its two steps. */
export function on<T extends Stripe.Event.Type, P = undefined>(
  type: T,
  entry: EventEntry<EventOf<NoInfer<T>>, P>,
): RegisteredEvent {
  return {
    type,
    async prepare(event, ctx) {
      // The table is looked up by event.type, so the event is of this entry's type.
      const typed = event as EventOf<T>;
      const prepared = entry.prepare ? await entry.prepare(typed, ctx) : (undefined as P);
      return (trx) => entry.apply(trx, typed, prepared, ctx);
    },
  };
}

export type EventTable = ReadonlyMap<Stripe.Event.Type, RegisteredEvent>;

/** Builds the table; a type registered twice throws when the module loads, at start-up. */
export function eventTable(entries: readonly RegisteredEvent[]): EventTable {
  const table = new Map<Stripe.Event.Type, RegisteredEvent>();
  for (const entry of entries) {
    if (table.has(entry.type))
      throw new Error(`Stripe event type ${entry.type} is registered twice in the event table`);
    table.set(entry.type, entry);
  }
  return table;
}
