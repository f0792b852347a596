import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";

export interface OutgoingEmail {
  /** one email per key, ever: a second enqueue with the same key does nothing */
  dedupeKey: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * Adds an email to the outbox, usually inside the transaction whose effects it reports, so
 * the email exists if and only if those effects were committed. Returns false when an email
 * with the same dedupe key was already there.
 */
export async function enqueueEmail(trx: Kysely<Database>, email: OutgoingEmail, now: Date = new Date()): Promise<boolean> {
  const result = await trx
    .insertInto("email_outbox")
    .values({
      dedupe_key: email.dedupeKey,
      to_email: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      status: "pending",
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
