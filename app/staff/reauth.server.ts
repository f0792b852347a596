import { verifyPassword } from "../lib/password.server";
import type { StaffSession } from "./guard.server";
import type { DB } from "../../db/schema";

/** Money actions ask for the password again when the session last proved it longer ago than this. */
export const REAUTH_AFTER_MS = 15 * 60 * 1000;

/** Whether a money action from this session must carry the staff member's password (app clock). */
export function needsPassword(session: Pick<StaffSession, "provedAt">, now: Date): boolean {
  return now.getTime() - Date.parse(session.provedAt) > REAUTH_AFTER_MS;
}

export type ReauthResult = { ok: true } | { ok: false; message: string };

/**
 * Checks the password a money action carries when the session is older than the window, and
 * records the proof on the session so the next actions within 15 minutes do not ask again.
 */
export async function confirmPassword(
  database: DB,
  session: StaffSession,
  password: string | undefined,
  now: Date,
): Promise<ReauthResult> {
  if (!needsPassword(session, now)) return { ok: true };
  if (!password) return { ok: false, message: "password-required" };
  if (!(await verifyPassword(password, session.staff.password_hash)))
    return { ok: false, message: "password-wrong" };
  await database
    .updateTable("sessions")
    .set({ reauthenticated_at: now.toISOString() })
    .where("id", "=", session.sessionId)
    .execute();
  return { ok: true };
}
