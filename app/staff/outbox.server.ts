import type { DB, OutboxStatus } from "../../db/schema";
import { renderStoredTemplate } from "../email/templates.server";
import { errorMessage } from "../lib/errors";

export const OUTBOX_PAGE_SIZE = 50;

/** One page of the outbox in one status, newest first, keyset by id through (status, id). */
export async function listOutbox(
  database: DB,
  status: OutboxStatus,
  before: number | null,
  limit = OUTBOX_PAGE_SIZE,
) {
  let query = database
    .selectFrom("email_outbox")
    .select([
      "id",
      "to_email",
      "template",
      "subject",
      "status",
      "attempts",
      "last_error",
      "next_attempt_at",
      "created_at",
      "sent_at",
      "body_dropped_at",
    ])
    .where("status", "=", status)
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (before !== null) query = query.where("id", "<", before);
  const rows = await query.execute();
  const emails = rows.slice(0, limit);
  return { emails, next: rows.length > limit ? (emails.at(-1)?.id ?? null) : null };
}

export interface ShownEmail {
  subject: string;
  html: string;
  text: string;
  /** "sent" when this is what was sent; "preview" when rendered now from the stored template */
  source: "sent" | "preview";
}

/**
 * The email as the member got it (the stored body), or for one not sent yet as the dispatcher
 * will render it; null when retention dropped both body and props.
 */
export async function renderOutboxEmail(database: DB, id: number) {
  const row = await database
    .selectFrom("email_outbox")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  let shown: ShownEmail | null = null;
  let renderError: string | null = null;
  if (row.html !== null && row.subject !== null) {
    shown = { subject: row.subject, html: row.html, text: row.text ?? "", source: "sent" };
  } else if (row.template !== null && row.props !== null) {
    try {
      shown = {
        ...(await renderStoredTemplate(row.template, row.template_version, row.props)),
        source: "preview",
      };
    } catch (error) {
      renderError = errorMessage(error);
    }
  }
  return { row, shown, renderError };
}
