import type { DeliveryKnobs } from "../options.js";
import type { SqliteDatabase } from "../store/database.js";
import type { ObjectStore } from "../store/objects.js";
import { postJson } from "./post.js";
import type { DeliveryQueue, DeliveryRow } from "./queue.js";
import { signatureHeader } from "./signature.js";
import type { WebhookTargets } from "./targets.js";

export const WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";

export type Logger = (line: string) => void;

/**
 * With shuffle on, a lane's batch also takes deliveries due within this window, so events
 * created by neighbouring requests (or one request) really are reordered against each other.
 */
export const SHUFFLE_WINDOW_MS = 250;

/**
 * Sends queued deliveries: one lane per endpoint, each sending its due batch one at a time in
 * event order (or shuffled when the knob says so), retrying failures with exponential backoff.
 */
export class DeliveryWorker {
  private readonly busyEndpoints = new Set<string>();
  private readonly abort = new AbortController();
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly store: ObjectStore,
    private readonly queue: DeliveryQueue,
    private readonly targets: WebhookTargets,
    private readonly knobs: () => DeliveryKnobs,
    private readonly log: Logger,
  ) {}

  wake(): void {
    if (this.closed || this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Resolves once nothing is pending or in flight (retries included). */
  async idle(): Promise<void> {
    while (
      !this.closed &&
      (this.inFlight > 0 || this.lanesBusy() || this.queue.pendingCount() > 0)
    ) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    this.notify();
  }

  private lanesBusy(): boolean {
    return this.busyEndpoints.size > 0;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    const lanes = new Map<string, DeliveryRow[]>();
    let nextDue = Number.POSITIVE_INFINITY;
    const pending = this.queue.pending();
    const window = this.knobs().shuffle ? SHUFFLE_WINDOW_MS : 0;
    for (const row of pending) {
      if (this.busyEndpoints.has(row.endpoint_id)) continue;
      const due =
        row.next_attempt_ms <= now ||
        (lanes.has(row.endpoint_id) && row.next_attempt_ms <= now + window);
      if (due) {
        const lane = lanes.get(row.endpoint_id) ?? [];
        lane.push(row);
        lanes.set(row.endpoint_id, lane);
      } else {
        nextDue = Math.min(nextDue, row.next_attempt_ms);
      }
    }
    for (const [endpointId, batch] of lanes) {
      this.busyEndpoints.add(endpointId);
      void this.runLane(endpointId, batch);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (Number.isFinite(nextDue)) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextDue - now));
      this.timer.unref();
    }
    this.notify();
  }

  private async runLane(endpointId: string, batch: DeliveryRow[]): Promise<void> {
    if (this.knobs().shuffle) shuffleInPlace(batch);
    try {
      for (const row of batch) {
        if (this.closed) return;
        this.inFlight++;
        try {
          await this.attempt(row);
        } catch (error) {
          this.log(`stripe-sim: delivery ${row.id} failed unexpectedly: ${String(error)}`);
        } finally {
          this.inFlight--;
        }
      }
    } finally {
      this.busyEndpoints.delete(endpointId);
      this.pump();
    }
  }

  private async attempt(row: DeliveryRow): Promise<void> {
    const target = this.targets.resolve(row.endpoint_id);
    const event = this.store.get("events", row.event_id);
    if (!target || !event) {
      this.db.prepare("UPDATE webhook_deliveries SET status = 'canceled' WHERE id = ?").run(row.id);
      return;
    }
    const knobs = this.knobs();
    const payload = JSON.stringify(event, null, 2);
    const headers = {
      "Content-Type": "application/json; charset=utf-8",
      "User-Agent": WEBHOOK_USER_AGENT,
      "Cache-Control": "no-cache",
      Accept: "*/*; q=0.5, application/xml",
      "Stripe-Signature": signatureHeader(payload, target.secret, Math.floor(Date.now() / 1000)),
    };
    const startedMs = Date.now();
    const started = performance.now();
    const result = await postJson(target.url, headers, payload, knobs.timeoutMs, this.abort.signal);
    if (this.closed) return; // shutting down: the row stays pending and resumes after a restart
    const durationMs = Math.round(performance.now() - started);
    const attemptNo = row.attempts + 1;
    const succeeded =
      result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const error = result.error ?? (succeeded ? null : `HTTP ${result.statusCode ?? "?"}`);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO webhook_attempts (delivery_id, event_id, endpoint_id, url, attempt, status_code, duration_ms, error, response_body, at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          row.id,
          row.event_id,
          row.endpoint_id,
          target.url,
          attemptNo,
          result.statusCode,
          durationMs,
          error,
          result.body,
          startedMs,
        );
      if (succeeded) {
        this.db
          .prepare("UPDATE webhook_deliveries SET status = 'succeeded', attempts = ? WHERE id = ?")
          .run(attemptNo, row.id);
      } else if (attemptNo >= knobs.maxAttempts) {
        this.db
          .prepare("UPDATE webhook_deliveries SET status = 'failed', attempts = ? WHERE id = ?")
          .run(attemptNo, row.id);
      } else {
        const backoff = knobs.retryBaseMs * 2 ** (attemptNo - 1);
        this.db
          .prepare("UPDATE webhook_deliveries SET attempts = ?, next_attempt_ms = ? WHERE id = ?")
          .run(attemptNo, Date.now() + backoff, row.id);
      }
      this.db
        .prepare(
          `UPDATE events SET data = json_set(data, '$.pending_webhooks',
             (SELECT COUNT(DISTINCT endpoint_id) FROM webhook_deliveries WHERE event_id = ? AND status = 'pending'))
           WHERE id = ?`,
        )
        .run(row.event_id, row.event_id);
    })();
    this.log(
      `${succeeded ? "-->" : "xx>"} ${event.type} [${event.id}] ${target.url} ${result.statusCode ?? result.error ?? ""} (attempt ${attemptNo}, ${durationMs} ms)`,
    );
  }
}

function shuffleInPlace<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
}
