import type { Kysely } from "kysely";
import type { Database, User } from "../../db/schema";
import { hashPassword } from "../../app/lib/password.server";
import { createUser, sessionCookieFor } from "../support/factories";
import { TEST_APP_URL } from "../support/app";

export const STAFF_PASSWORD = "staff password 123";

/** A staff account with a real password hash (money actions may ask for it) and a session. */
export async function staffMember(db: Kysely<Database>): Promise<{ user: User; cookie: string }> {
  const user = await createUser(db, { name: "Sara Staff" });
  await db
    .updateTable("users")
    .set({ is_staff: 1, password_hash: await hashPassword(STAFF_PASSWORD) })
    .where("id", "=", user.id)
    .execute();
  const fresh = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", user.id)
    .executeTakeFirstOrThrow();
  return { user: fresh, cookie: await sessionCookieFor(db, user) };
}

export async function plainMember(db: Kysely<Database>): Promise<{ user: User; cookie: string }> {
  const user = await createUser(db);
  return { user, cookie: await sessionCookieFor(db, user) };
}

/** A staff form POST as a browser on this site sends it (Origin of the app). */
export function staffPost(
  path: string,
  fields: Record<string, string>,
  cookie: string,
  origin: string = TEST_APP_URL,
): Request {
  return new Request(`${TEST_APP_URL}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: cookie,
      Origin: origin,
    },
    body: new URLSearchParams(fields),
  });
}

let counter = 0;
/** A nonce as the page renders one (unique per call). */
export function nonce(): string {
  counter += 1;
  return `test-nonce-${process.pid}-${counter}-abcdef`;
}

export async function auditRows(db: Kysely<Database>) {
  return db.selectFrom("staff_audit_log").selectAll().orderBy("id").execute();
}
