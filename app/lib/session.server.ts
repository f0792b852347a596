import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { Cookie } from "@remix-run/node";
import type { DB, User } from "../../db/schema";
import { systemNow } from "./clock.server";
import { env } from "./env.server";

export const SESSION_COOKIE_NAME = "__session";
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const USER_AGENT_MAX = 300;

let cookie: Cookie | undefined;

/**
 * The signed session cookie. The first secret signs, every secret verifies (rotation). Secure
 * follows APP_URL's scheme: an https site never sends it in the clear, and the production build
 * still works over http://localhost (the e2e suite).
 */
export function sessionCookie(): Cookie {
  if (!cookie) {
    const config = env();
    cookie = createCookie(SESSION_COOKIE_NAME, {
      secrets: config.sessionSecrets,
      httpOnly: true,
      sameSite: "lax",
      secure: config.appUrl.startsWith("https:"),
      path: "/",
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
  }
  return cookie;
}

/** The table keeps only a hash, so a leaked database does not hand out working cookies. */
function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

async function readSessionId(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 && value.length <= 100 ? value : null;
}

/** The hashed id of the request's session row, or null when it carries no session cookie. */
export async function sessionRowId(request: Request): Promise<string | null> {
  const id = await readSessionId(request);
  return id ? hashSessionId(id) : null;
}

/** The signed-in user of `request`, or null. An expired session row is deleted on sight. */
export async function getSessionUser(db: DB, request: Request): Promise<User | null> {
  const id = await readSessionId(request);
  if (!id) return null;
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("users")
    .select(["sessions.id as session_id", "sessions.expires_at as session_expires_at"])
    .where("sessions.id", "=", hashSessionId(id))
    .executeTakeFirst();
  if (!row) return null;
  const { session_id, session_expires_at, ...user } = row;
  if (Date.parse(session_expires_at) <= systemNow().getTime()) {
    await db.deleteFrom("sessions").where("id", "=", session_id).execute();
    return null;
  }
  return user;
}

/**
 * Starts a new session for `userId` and answers the Set-Cookie value. A fresh id every time
 * (never the one the request came with), so a planted cookie cannot become a signed-in session.
 */
export async function createUserSession(db: DB, request: Request, userId: number): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  const now = systemNow();
  const previous = await readSessionId(request);
  await db.transaction().execute(async (trx) => {
    if (previous)
      await trx.deleteFrom("sessions").where("id", "=", hashSessionId(previous)).execute();
    await trx
      .deleteFrom("sessions")
      .where("user_id", "=", userId)
      .where("expires_at", "<=", now.toISOString())
      .execute();
    await trx
      .insertInto("sessions")
      .values({
        id: hashSessionId(id),
        user_id: userId,
        expires_at: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000).toISOString(),
        user_agent: request.headers.get("User-Agent")?.slice(0, USER_AGENT_MAX) ?? null,
        created_at: now.toISOString(),
      })
      .execute();
  });
  return sessionCookie().serialize(id);
}

/** Deletes the request's session row (a copied cookie stops working) and answers a clearing Set-Cookie value. */
export async function destroyUserSession(db: DB, request: Request): Promise<string> {
  const id = await readSessionId(request);
  if (id) await db.deleteFrom("sessions").where("id", "=", hashSessionId(id)).execute();
  return sessionCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}
