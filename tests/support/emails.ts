import type { DB } from "../../db/schema";
import { wakeDispatcherAfterCommit } from "../../app/email/outbox.server";
import {
  renderStoredTemplate,
  templateVersion,
  type RenderedEmail,
  type TemplateName,
  type TemplateProps,
} from "../../app/email/templates.server";
import type { Language } from "../../app/i18n/config";

/** Renders a template from its props the way the dispatcher renders a queued outbox row. */
export function renderAsDispatched<N extends TemplateName>(
  name: N,
  props: TemplateProps[N],
  language: Language,
): Promise<RenderedEmail> {
  return renderStoredTemplate(name, templateVersion(name), JSON.stringify(props), language);
}

/**
 * Queues an email whose body is already stored, as outbox rows written before the dispatcher
 * rendered templates at send time are (decision 10): the app only queues by template, but the
 * dispatcher still sends such rows. For suites about the outbox itself (claiming, retries,
 * retention), where a template's content does not matter.
 */
export async function queueStoredEmail(
  db: DB,
  email: { dedupeKey: string; to: string; subject: string; html: string; text: string },
  { dueAt = new Date() }: { dueAt?: Date } = {},
): Promise<boolean> {
  const result = await db
    .insertInto("email_outbox")
    .values({
      dedupe_key: email.dedupeKey,
      to_email: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      status: "pending",
      next_attempt_at: dueAt.toISOString(),
      created_at: dueAt.toISOString(),
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  const queued = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (queued) wakeDispatcherAfterCommit(db);
  return queued;
}
