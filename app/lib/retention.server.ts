import type { DB } from "../../db/schema";
import { yieldToEventLoop } from "./event-loop";

/**
 * How long rows keep what they do not need forever. Sent email bodies (the rendered HTML and
 * text, and the props they came from) are dropped; the row, its dedupe key and its status
 * stay, so the email is still never sent twice. Processed webhook events are deleted once
 * older than the reconciliation window; an event delivered again after that is handled by the
 * idempotent fulfilment (a paid payment stays paid, one email per payment by its key).
 */
export interface RetentionPolicy {
  emailBodyDays: number;
  webhookEventDays: number;
  /** rows one statement touches: each pass holds the write lock only this long */
  batchSize: number;
  /** passes per table in one run; the next run continues where this one stopped */
  maxBatches: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  emailBodyDays: 30,
  webhookEventDays: 90,
  batchSize: 500,
  maxBatches: 200,
};

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionResult {
  emailBodies: number;
  webhookEvents: number;
  /** statements run, both tables together */
  passes: number;
}

/** One bounded pass: drops the bodies of at most `limit` emails sent before `cutoff`, oldest first. */
export async function dropSentEmailBodies(
  db: DB,
  cutoff: Date,
  limit: number,
  now: Date,
): Promise<number> {
  const result = await db
    .updateTable("email_outbox")
    .set({ subject: null, html: null, text: null, props: null, body_dropped_at: now.toISOString() })
    .where("id", "in", (qb) =>
      qb
        .selectFrom("email_outbox")
        .select("id")
        // the same conditions as email_outbox_sent_body_idx, so the pass reads only that index
        .where("status", "=", "sent")
        .where("body_dropped_at", "is", null)
        .where("sent_at", "<", cutoff.toISOString())
        .orderBy("sent_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One bounded pass: deletes at most `limit` events processed before `cutoff`, oldest first. */
export async function pruneProcessedWebhookEvents(
  db: DB,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await db
    .deleteFrom("stripe_webhook_events")
    .where("id", "in", (qb) =>
      qb
        .selectFrom("stripe_webhook_events")
        .select("id")
        .where("processed", "=", 1)
        .where("processed_at", "<", cutoff.toISOString())
        .orderBy("processed_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Runs bounded passes until nothing is left or maxBatches passes per table ran. Each pass is
 * its own statement (its own short write transaction), and the event loop gets a turn between
 * passes, so requests and webhooks interleave with a long run.
 */
export async function runRetention(
  db: DB,
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): Promise<RetentionResult> {
  const result: RetentionResult = { emailBodies: 0, webhookEvents: 0, passes: 0 };
  const emailCutoff = new Date(now.getTime() - policy.emailBodyDays * DAY_MS);
  const eventCutoff = new Date(now.getTime() - policy.webhookEventDays * DAY_MS);
  for (let i = 0; i < policy.maxBatches; i++) {
    const count = await dropSentEmailBodies(db, emailCutoff, policy.batchSize, now);
    result.passes++;
    result.emailBodies += count;
    if (count < policy.batchSize) break;
    await yieldToEventLoop();
  }
  for (let i = 0; i < policy.maxBatches; i++) {
    const count = await pruneProcessedWebhookEvents(db, eventCutoff, policy.batchSize);
    result.passes++;
    result.webhookEvents += count;
    if (count < policy.batchSize) break;
    await yieldToEventLoop();
  }
  return result;
}
