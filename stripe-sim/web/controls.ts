import type { DeliveryKnobs } from "../options.js";
import type { DeliveryQueue } from "../webhooks/queue.js";

/** What the dashboard and /_sim endpoints may change or inspect beyond the API's own state. */
export interface SimControls {
  getKnobs(): DeliveryKnobs;
  setKnobs(patch: Partial<DeliveryKnobs>): void;
  /** Queues one more delivery of an event to every endpoint it matches; false if unknown. */
  redeliver(eventId: string): boolean;
  queue: DeliveryQueue;
  /** The default (forwardTo) webhook URL, if any. */
  forwardUrl: string | null;
}
