import type { Kysely } from "kysely";
import type { Database, EmailOutboxMessage } from "../../db/schema";
import { DEV_MAILBOX_PREFIX } from "./transport.server";

type DB = Kysely<Database>;

/** Messages the dev transport delivered: outbox rows marked with a dev-mailbox: provider id. */
export async function listDevMailbox(db: DB, limit = 200): Promise<EmailOutboxMessage[]> {
  return db
    .selectFrom("email_outbox")
    .selectAll()
    .where("provider_message_id", "like", `${DEV_MAILBOX_PREFIX}%`)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function findDevMailboxMessage(db: DB, id: number): Promise<EmailOutboxMessage | undefined> {
  return db
    .selectFrom("email_outbox")
    .selectAll()
    .where("id", "=", id)
    .where("provider_message_id", "like", `${DEV_MAILBOX_PREFIX}%`)
    .executeTakeFirst();
}
