import type { DB } from "../../db/schema";

/** Refunds made by the app to resolve a second membership carry this; their email is that one. */
export const CONFLICT_REFUND_MARK = "membership_conflict";

export type ConflictKind =
  | "second_subscription"
  | "year_during_subscription"
  | "subscription_during_year"
  | "off_catalog_subscription";

export interface Conflict {
  userId: number;
  kind: ConflictKind;
  /** what stands: "payment:<id>" or "subscription:<sub_...>" */
  kept: string | null;
  /** what was ended or flagged */
  resolved: string;
  action: "cancelled_and_refunded" | "refunded" | "flagged";
  /** minor units of `currency` */
  refundAmount: number | null;
  currency: string | null;
  detail: string;
  /** one record per resolved object, however often it is seen */
  dedupeKey: string;
}

/**
 * Records a second membership the app ended (or a subscription it flagged) once per dedupe key,
 * inside the caller's transaction; the staff console lists these rows. True when written now.
 */
export async function recordConflict(trx: DB, conflict: Conflict, now: Date): Promise<boolean> {
  const result = await trx
    .insertInto("membership_conflicts")
    .values({
      user_id: conflict.userId,
      kind: conflict.kind,
      kept: conflict.kept,
      resolved: conflict.resolved,
      action: conflict.action,
      refund_amount: conflict.refundAmount,
      currency: conflict.currency,
      detail: conflict.detail,
      dedupe_key: conflict.dedupeKey,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return result !== undefined;
}

/** The conflicts of a member (or every member), newest first, for the staff. */
export function listConflicts(db: DB, options: { userId?: number; limit?: number } = {}) {
  let query = db
    .selectFrom("membership_conflicts")
    .selectAll()
    .orderBy("id", "desc")
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
  if (options.userId !== undefined) query = query.where("user_id", "=", options.userId);
  return query.execute();
}
