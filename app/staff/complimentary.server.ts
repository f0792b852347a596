import type { ComplimentaryAccess, DB, User } from "../../db/schema";
import { applyAccess } from "../billing/sync.server";
import { writeTransaction } from "../../db/dialect";
import { recordAudit } from "./audit.server";

const DAY_MS = 24 * 60 * 60 * 1000;

/** The end of complimentary access "until" a calendar date: the end of that day, UTC. */
export function endOfDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS);
}

/** A date after today (app clock), as YYYY-MM-DD; null when it is not one. */
export function futureDate(value: string, now: Date): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const start = Date.parse(`${value}T00:00:00.000Z`);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value) return null;
  return start > now.getTime() ? value : null;
}

export type GrantResult = { kind: "granted"; endsAt: string } | { kind: "duplicate" };

class DuplicateRequest extends Error {}

/**
 * Gives a member access until the end of `until` (a date after today) for `reason`, without
 * payment: a complimentary_access row the access rule reads like a paid year, the member's
 * status recomputed, and the audit entry, in one transaction. Access ends by itself when the
 * app's clock passes the end (the expiry sweep and every access check read that clock).
 */
export async function grantComplimentaryAccess(
  database: DB,
  input: {
    staff: Pick<User, "id" | "email">;
    userId: number;
    until: string;
    reason: string;
    requestKey: string;
    now: Date;
  },
): Promise<GrantResult> {
  const endsAt = endOfDay(input.until).toISOString();
  const nowIso = input.now.toISOString();
  try {
    await writeTransaction(database, async (trx) => {
      const before = await statusOf(trx, input.userId);
      await trx
        .insertInto("complimentary_access")
        .values({
          user_id: input.userId,
          starts_at: nowIso,
          ends_at: endsAt,
          reason: input.reason,
          granted_by: input.staff.id,
          created_at: nowIso,
        })
        .execute();
      await applyAccess(trx, input.userId, input.now);
      const after = { ...(await statusOf(trx, input.userId)), complimentary_until: endsAt };
      const written = await recordAudit(trx, {
        staff: input.staff,
        action: "complimentary-access",
        targetUserId: input.userId,
        target: `until ${input.until}`,
        reason: input.reason,
        before,
        after,
        outcome: "done",
        requestKey: input.requestKey,
        at: input.now,
      });
      // The same form sent twice (a double click, two tabs): the second changes nothing.
      if (!written) throw new DuplicateRequest();
    });
  } catch (error) {
    if (error instanceof DuplicateRequest) return { kind: "duplicate" };
    throw error;
  }
  return { kind: "granted", endsAt };
}

async function statusOf(trx: DB, userId: number) {
  return trx
    .selectFrom("users")
    .select(["subscription_status", "access_expires_at"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
}

/** The member's complimentary grants, newest first. */
export async function listComplimentary(
  database: DB,
  userId: number,
): Promise<ComplimentaryAccess[]> {
  return database
    .selectFrom("complimentary_access")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("id", "desc")
    .limit(50)
    .execute();
}

/** The end of the complimentary access running at `now`, or null. */
export async function runningComplimentaryUntil(
  database: DB,
  userId: number,
  now: Date,
): Promise<string | null> {
  const row = await database
    .selectFrom("complimentary_access")
    .select((eb) => eb.fn.max("ends_at").as("ends"))
    .where("user_id", "=", userId)
    .where("ends_at", ">", now.toISOString())
    .executeTakeFirst();
  return (row?.ends as string | null | undefined) ?? null;
}
