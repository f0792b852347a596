import type { DeliveryKnobs } from "../options.js";
import type { SqliteDatabase } from "../store/database.js";
import type { WebhookTarget, WebhookTargets } from "./targets.js";

export interface DeliveryRow {
  id: number;
  event_id: string;
  endpoint_id: string;
  status: "pending" | "succeeded" | "failed" | "canceled";
  attempts: number;
  next_attempt_ms: number;
  created_ms: number;
}

export interface AttemptRow {
  id: number;
  delivery_id: number;
  event_id: string;
  endpoint_id: string;
  url: string;
  attempt: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  at_ms: number;
}

/**
 * The durable side of webhook delivery: rows in `webhook_deliveries`, written in the same
 * transaction as the event. The worker only reads and updates them, so a restart resumes.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly targets: WebhookTargets,
    private readonly knobs: () => DeliveryKnobs,
  ) {}

  targetsFor(type: string): WebhookTarget[] {
    return this.targets.matching(type);
  }

  enqueue(
    eventId: string,
    targets: ReadonlyArray<WebhookTarget>,
    copies = this.knobs().duplicates,
  ): void {
    const now = Date.now();
    const insert = this.db.prepare(
      "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_ms, created_ms) VALUES (?, ?, 'pending', ?, ?)",
    );
    for (const target of targets) {
      for (let copy = 0; copy < copies; copy++)
        insert.run(eventId, target.endpointId, now + this.knobs().delayMs, now);
    }
  }

  pending(): DeliveryRow[] {
    return this.db
      .prepare(
        "SELECT * FROM webhook_deliveries WHERE status = 'pending' ORDER BY next_attempt_ms, id",
      )
      .all() as DeliveryRow[];
  }

  pendingCount(): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'")
        .get() as { n: number }
    ).n;
  }

  forEvent(eventId: string): DeliveryRow[] {
    return this.db
      .prepare("SELECT * FROM webhook_deliveries WHERE event_id = ? ORDER BY id")
      .all(eventId) as DeliveryRow[];
  }

  attemptsFor(eventId: string): AttemptRow[] {
    return this.db
      .prepare(
        "SELECT id, delivery_id, event_id, endpoint_id, url, attempt, status_code, duration_ms, error, at_ms FROM webhook_attempts WHERE event_id = ? ORDER BY id",
      )
      .all(eventId) as AttemptRow[];
  }
}
