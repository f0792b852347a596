import { Errors as PostmarkErrors } from "postmark";
import { forUpdateSkipLocked } from "../../db/dialect";
import type { DB, EmailOutboxMessage } from "../../db/schema";
import { recipientLanguage } from "../i18n/member-language.server";
import { renderStoredTemplate, UnknownTemplateError, type RenderedEmail } from "./templates.server";
import type { EmailTransport } from "./transport.server";
import { log, maskEmail } from "../observability/log.server";
import { countEmail } from "../observability/metrics.server";
import { errorMessage, errorNameAndMessage } from "../lib/errors";

/**
 * A claimed row is held this long; a crashed sender's claim lapses and another retries it. It
 * must outlast one render plus one send (the Postmark client gives up after 10 s), else a slow
 * send could be claimed and sent again by another dispatcher; what a crash costs is this delay
 * and, when the send was in flight, a duplicate (decision 0019).
 */
export const CLAIM_MS = 20_000;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_CAP_MS = 60 * 60 * 1000;
/** Messages one call sends at most; the background loop calls again at once after a full batch. */
export const DISPATCH_BATCH_SIZE = 20;

/** Delay before attempt number `attempts + 1`: 5 s, 10 s, 20 s ... capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);
}

/**
 * Postmark 422 codes that are about the account or its configuration (bad token, sender
 * signature missing or unconfirmed, sending not allowed, account pending, unknown message
 * stream), not about the message: once someone fixes the account the same message goes out.
 */
const ACCOUNT_LEVEL_CODES = new Set([10, 400, 401, 405, 412, 413, 1235]);

/**
 * True when Postmark refused this message for good (an invalid or inactive recipient, a
 * message too large): sending it again can never succeed. Everything else (network errors,
 * timeouts, 5xx, 429, account problems, answers we do not recognise) is worth retrying, so
 * an outage of any length loses no email.
 */
export function isPermanentRejection(error: unknown): boolean {
  // A row this code cannot render will not render on a retry either.
  if (error instanceof UnknownTemplateError) return true;
  if (!(error instanceof PostmarkErrors.PostmarkError)) return false;
  if (error.statusCode === 413) return true;
  return error.statusCode === 422 && !ACCOUNT_LEVEL_CODES.has(error.code);
}

export interface DispatchSummary {
  sent: number;
  failed: number;
}

/**
 * Sends every due outbox message once. Each row is claimed with one UPDATE that leases it
 * (claimed_until) and returns it; on Postgres the row is picked FOR UPDATE SKIP LOCKED, so
 * dispatchers on every instance share the work without waiting on each other, and two
 * dispatchers (or two processes) never send the same row at the same time.
 */
export async function dispatchDueEmails(
  db: DB,
  transport: EmailTransport,
  now: () => Date,
): Promise<DispatchSummary> {
  const summary: DispatchSummary = { sent: 0, failed: 0 };
  for (let i = 0; i < DISPATCH_BATCH_SIZE; i++) {
    const message = await claimNext(db, now());
    if (!message) break;
    try {
      const content = await contentOf(db, message);
      const providerId = await transport.send(
        { to: message.to_email, ...content, tag: tagOf(message) },
        message.id,
      );
      await markSent(db, message, content, providerId, now());
      countEmail(message.template, true);
      summary.sent++;
    } catch (error) {
      await markFailed(db, message, error, now());
      summary.failed++;
    }
  }
  return summary;
}

/**
 * What to send: the stored body when the row was queued rendered, else its template rendered
 * now (in the dispatcher, off the request that queued it), in the recipient's language now.
 */
async function contentOf(db: DB, message: EmailOutboxMessage): Promise<RenderedEmail> {
  if (message.subject !== null && message.html !== null && message.text !== null) {
    return { subject: message.subject, html: message.html, text: message.text };
  }
  if (message.template === null)
    throw new UnknownTemplateError(`Email ${message.id} has neither a body nor a template`);
  return renderStoredTemplate(
    message.template,
    message.template_version,
    message.props,
    await recipientLanguage(db, message.to_email),
  );
}

/** Leases the next due, unclaimed message for CLAIM_MS and returns it; undefined when none is due. */
async function claimNext(db: DB, now: Date): Promise<EmailOutboxMessage | undefined> {
  const nowIso = now.toISOString();
  return db
    .updateTable("email_outbox")
    .set({ claimed_until: new Date(now.getTime() + CLAIM_MS).toISOString() })
    .where("id", "=", (eb) =>
      forUpdateSkipLocked(
        db,
        eb
          .selectFrom("email_outbox")
          .select("id")
          .where("status", "=", "pending")
          .where("next_attempt_at", "<=", nowIso)
          .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<", nowIso)]))
          .orderBy("next_attempt_at")
          .orderBy("id")
          .limit(1),
      ),
    )
    .returningAll()
    .executeTakeFirst();
}

async function markSent(
  db: DB,
  message: EmailOutboxMessage,
  content: RenderedEmail,
  providerId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable("email_outbox")
    .set({
      // what went out, kept for support and the dev mailbox until retention drops it
      subject: content.subject,
      html: content.html,
      text: content.text,
      status: "sent",
      provider_message_id: providerId,
      sent_at: now.toISOString(),
      attempts: message.attempts + 1,
      last_error: null,
      claimed_until: null,
    })
    .where("id", "=", message.id)
    .execute();
}

async function markFailed(
  db: DB,
  message: EmailOutboxMessage,
  error: unknown,
  now: Date,
): Promise<void> {
  const attempts = message.attempts + 1;
  const permanent = isPermanentRejection(error);
  await db
    .updateTable("email_outbox")
    .set({
      status: permanent ? "failed" : "pending",
      attempts,
      last_error: errorMessage(error).slice(0, 2000),
      next_attempt_at: new Date(now.getTime() + backoffMs(attempts)).toISOString(),
      claimed_until: null,
    })
    .where("id", "=", message.id)
    .execute();
  countEmail(message.template, false, permanent);
  const fields = {
    emailId: message.id,
    template: message.template,
    to: maskEmail(message.to_email),
    attempts,
    error: errorNameAndMessage(error),
  };
  if (permanent) log.error(fields, "Email refused by the provider; not retrying");
  else log.warn(fields, "Email send failed; retrying later");
}

function tagOf(message: EmailOutboxMessage): string {
  return message.dedupe_key.split(":")[0] ?? "email";
}
