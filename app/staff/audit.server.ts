import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { DB, StaffAuditEntry, User } from "../../db/schema";

// The staff audit log: one row per staff action, written in the action's own transaction when
// the action is a database change, or after Stripe answered when it is a call to Stripe. The
// table refuses UPDATE and DELETE (triggers in the migration); nothing in the app rewrites it.

export type AuditAction =
  | "refund"
  | "cancel-subscription"
  | "complimentary-access"
  | "resync"
  | "resend-email"
  | "replay-event"
  | "retry-email";

export interface AuditInput {
  staff: Pick<User, "id" | "email">;
  action: AuditAction;
  targetUserId: number | null;
  target: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  outcome: "done" | "failed";
  error?: string | null;
  /** the form's nonce: the same form submitted twice writes one entry */
  requestKey: string | null;
  at: Date;
}

const MAX_JSON = 8_000;

function json(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value).slice(0, MAX_JSON);
}

/** Appends one entry; answers false when an entry with the same request key is already there. */
export async function recordAudit(database: DB, input: AuditInput): Promise<boolean> {
  const row = await database
    .insertInto("staff_audit_log")
    .values({
      at: input.at.toISOString(),
      staff_user_id: input.staff.id,
      staff_email: input.staff.email,
      action: input.action,
      target_user_id: input.targetUserId,
      target: input.target,
      reason: input.reason ?? null,
      before_json: json(input.before),
      after_json: json(input.after),
      outcome: input.outcome,
      error: input.error?.slice(0, 2000) ?? null,
      request_key: input.requestKey,
    })
    .onConflict((oc) => oc.column("request_key").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the form with this nonce was already acted on. */
export async function auditedRequest(
  database: DB,
  requestKey: string,
): Promise<StaffAuditEntry | undefined> {
  return database
    .selectFrom("staff_audit_log")
    .selectAll()
    .where("request_key", "=", requestKey)
    .executeTakeFirst();
}

/** A fresh nonce rendered in every staff action form; it keys the action's audit entry (and a refund's Idempotency-Key). */
export function formNonce(): string {
  return randomBytes(18).toString("base64url");
}

export const nonceField = z
  .string({ required_error: "staff:messages.formOutOfDate" })
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "staff:messages.formOutOfDate");

export const reasonField = z
  .string({ required_error: "staff:messages.reasonMissing" })
  .trim()
  .min(3, "staff:messages.reasonMissing")
  .max(500, "staff:messages.reasonTooLong");

export const AUDIT_PAGE_SIZE = 50;

export interface AuditPage {
  entries: StaffAuditEntry[];
  /** the id to continue after, or null on the last page */
  next: number | null;
}

/** Newest first, keyset by id; `targetUserId` narrows to entries about one member. */
export async function listAudit(
  database: DB,
  options: { before?: number | null; targetUserId?: number; limit?: number } = {},
): Promise<AuditPage> {
  const limit = options.limit ?? AUDIT_PAGE_SIZE;
  let query = database
    .selectFrom("staff_audit_log")
    .selectAll()
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (options.before) query = query.where("id", "<", options.before);
  if (options.targetUserId !== undefined)
    query = query.where("target_user_id", "=", options.targetUserId);
  const rows = await query.execute();
  const entries = rows.slice(0, limit);
  return { entries, next: rows.length > limit ? (entries.at(-1)?.id ?? null) : null };
}
