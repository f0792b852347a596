import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
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

/** An email already rendered by the caller. */
export interface RenderedOutgoingEmail extends Addressed {
  subject: string;
  html: string;
  text: string;
}

export type OutgoingEmail = TemplateEmail | RenderedOutgoingEmail;

/**
 * Adds an email to the outbox, usually inside the transaction whose effects it reports, so
 * the email exists if and only if those effects were committed. Returns false when an email
 * with the same dedupe key was already there.
 */
export async function enqueueEmail(
  trx: Kysely<Database>,
  email: OutgoingEmail,
  now: Date = new Date(),
): Promise<boolean> {
  const content =
    "template" in email
      ? {
          template: email.template,
          template_version: templateVersion(email.template),
          props: JSON.stringify(email.props),
        }
      : { subject: email.subject, html: email.html, text: email.text };
  const result = await trx
    .insertInto("email_outbox")
    .values({
      dedupe_key: email.dedupeKey,
      to_email: email.to,
      ...content,
      status: "pending",
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
