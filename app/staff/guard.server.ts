import { redirect } from "@remix-run/node";
import type { DB, User } from "../../db/schema";
import { db } from "../lib/db.server";
import { readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { getSessionUser, sessionRowId } from "../lib/session.server";

/** Every staff answer is about members' money and accounts: never stored by any cache. */
export const STAFF_CACHE_CONTROL = "private, no-store";
export const STAFF_HEADERS = { "Cache-Control": STAFF_CACHE_CONTROL } as const;

export interface StaffSession {
  staff: User;
  /** the hashed id of the session row */
  sessionId: string;
  /** when this session last proved its password: sign-in or a later confirmation */
  provedAt: string;
}

/** The console's existence is not advertised: a member who is not staff sees a plain 404. */
export function staffNotFound(message = "There is no such page."): Response {
  return new Response(message, { status: 404, statusText: "Not Found", headers: STAFF_HEADERS });
}

/**
 * The guard of every /staff loader and action. Signed out: a redirect to /login, coming back
 * here. Signed in without the staff flag: 404. Otherwise the staff member and their session.
 */
export async function requireStaff(request: Request, database: DB = db()): Promise<StaffSession> {
  const user = await getSessionUser(database, request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`, {
      headers: STAFF_HEADERS,
    });
  }
  if (user.is_staff !== 1) throw staffNotFound();
  const sessionId = (await sessionRowId(request)) ?? "";
  const session = await database
    .selectFrom("sessions")
    .select(["created_at", "reauthenticated_at"])
    .where("id", "=", sessionId)
    .executeTakeFirst();
  if (!session) throw staffNotFound();
  const provedAt =
    session.reauthenticated_at && session.reauthenticated_at > session.created_at
      ? session.reauthenticated_at
      : session.created_at;
  return { staff: user, sessionId, provedAt };
}

export interface StaffActionRequest extends StaffSession {
  form: FormData;
}

/**
 * The start of every staff action: a cross-site POST is refused (403) before anything else, then
 * the staff guard, then the form read within the app's size limit (413/400 otherwise).
 */
export async function requireStaffAction(
  request: Request,
  database: DB = db(),
): Promise<StaffActionRequest> {
  requireSameOrigin(request);
  const session = await requireStaff(request, database);
  const read = await readForm(request);
  if (!read.ok) throw new Response(read.formError, { status: read.status, headers: STAFF_HEADERS });
  return { ...session, form: read.form };
}
