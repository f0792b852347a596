import { remember } from "@epic-web/remember";
import { afterCommit } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { systemNow } from "../lib/clock.server";
import { templateVersion, type TemplateName, type TemplateProps } from "./templates.server";

interface Addressed {
  /** one email per key, ever: a second enqueue with the same key does nothing */
  dedupeKey: string;
  to: string;
}

/** An email by template: rendered by the dispatcher when it sends, not in the caller's request. */
export type TemplateEmail = {
  [N in TemplateName]: Addressed & { template: N; props: TemplateProps[N] };
}[TemplateName];

/** Who hears that an email was queued (the dispatcher of this process, while it runs). */
const queuedListeners = remember("email-queued-listeners", () => new Set<() => void>());

/** Calls `listener` after each commit that queued an email; returns the unsubscribe. */
export function onEmailQueued(listener: () => void): () => void {
  queuedListeners.add(listener);
  return () => void queuedListeners.delete(listener);
}

function emailQueued(): void {
  for (const listener of queuedListeners) listener();
}

/**
 * For a write that makes an outbox row due without enqueueEmail (a staff resend or retry):
 * the dispatcher is woken once `trx` commits.
 */
export function wakeDispatcherAfterCommit(trx: DB): void {
  afterCommit(trx, emailQueued);
}

/**
 * Adds an email to the outbox, usually inside the transaction whose effects it reports, so
 * the email exists if and only if those effects were committed; once they are, the dispatcher
 * is woken (onEmailQueued) to send it without waiting for its next poll. Returns false when an
 * email with the same dedupe key was already there.
 */
export async function enqueueEmail(
  trx: DB,
  email: TemplateEmail,
  /** when it is due; the machine's time by default (the outbox runs on it, not the app's clock) */
  { dueAt = systemNow() }: { dueAt?: Date } = {},
): Promise<boolean> {
  const result = await trx
    .insertInto("email_outbox")
    .values({
      dedupe_key: email.dedupeKey,
      to_email: email.to,
      template: email.template,
      template_version: templateVersion(email.template),
      props: JSON.stringify(email.props),
      status: "pending",
      next_attempt_at: dueAt.toISOString(),
      created_at: dueAt.toISOString(),
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  const queued = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (queued) wakeDispatcherAfterCommit(trx);
  return queued;
}
