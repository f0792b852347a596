import type { DB, EmailOutboxMessage } from "../../db/schema";
import { DEV_MAILBOX_PREFIX } from "./transport.server";

/** A delivered message as the mailbox shows it: a sent row always has its body until retention drops it. */
export type DevMailboxMessage = Omit<EmailOutboxMessage, "subject" | "html" | "text"> & {
  subject: string;
  html: string;
  text: string;
};

const DROPPED = "(body removed by the retention job)";

function shown(row: EmailOutboxMessage): DevMailboxMessage {
  return {
    ...row,
    subject: row.subject ?? DROPPED,
    html: row.html ?? `<p>${DROPPED}</p>`,
    text: row.text ?? DROPPED,
  };
}

/** Messages the dev transport delivered: outbox rows marked with a dev-mailbox: provider id. */
export async function listDevMailbox(db: DB, limit = 200): Promise<DevMailboxMessage[]> {
  const rows = await db
    .selectFrom("email_outbox")
    .selectAll()
    .where("provider_message_id", "like", `${DEV_MAILBOX_PREFIX}%`)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(shown);
}

export async function findDevMailboxMessage(
  db: DB,
  id: number,
): Promise<DevMailboxMessage | undefined> {
  const row = await db
    .selectFrom("email_outbox")
    .selectAll()
    .where("id", "=", id)
    .where("provider_message_id", "like", `${DEV_MAILBOX_PREFIX}%`)
    .executeTakeFirst();
  return row && shown(row);
}
