import type Stripe from "stripe";
import { API_VERSION } from "../api-version.js";
import type { SimClock } from "../clock.js";
import { stripIncludables } from "../api/includables.js";
import { newId } from "../ids.js";
import type { ObjectStore } from "../store/objects.js";
import type { DeliveryQueue } from "../webhooks/queue.js";

type EventObject = Stripe.Event["data"]["object"];

/**
 * Records an Event for every state change and queues its webhook deliveries in the same
 * transaction as the change itself, so a crash can never lose or invent an event.
 */
export class EventRecorder {
  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly queue: DeliveryQueue,
  ) {}

  emit(
    type: Stripe.Event.Type,
    object: EventObject,
    origin: Stripe.Event.Request | null,
    previousAttributes?: Record<string, unknown>,
  ): Stripe.Event {
    const id = newId("evt");
    const targets = this.queue.targetsFor(type);
    const data: Stripe.Event.Data = { object: stripIncludables(structuredClone(object), []) };
    if (previousAttributes)
      data.previous_attributes = previousAttributes as Stripe.Event.Data.PreviousAttributes;
    const event = {
      id,
      object: "event",
      api_version: API_VERSION,
      created: this.clock.nowSeconds(),
      data,
      livemode: false,
      pending_webhooks: targets.length,
      request: origin ?? { id: null, idempotency_key: null },
      type,
    } as Stripe.Event;
    this.store.insert("events", event);
    this.queue.enqueue(id, targets);
    return event;
  }
}

/** The attributes of `before` that differ in `after`, as Stripe reports on `*.updated` events. */
export function previousAttributes<T extends object>(before: T, after: T): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      changed[key as string] = before[key] ?? null;
  }
  return changed;
}
