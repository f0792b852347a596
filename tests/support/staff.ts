// The staff part of the test harness: staff and member accounts with sessions, staff form POSTs
// as a browser on this site sends them, nonces as the pages render them, the audit log.
import type { Kysely } from "kysely";
import type { Database, User } from "../../db/schema";
import { hashPassword } from "../../app/lib/password.server";
import { createUser, sessionCookieFor } from "./factories";
import { TEST_APP_URL } from "./app";

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

export { english } from "./messages";

/**
 * Gives a member a Stripe customer `cus_<tag>` and a paid annual payment through `pi_<tag>`
 * (Checkout Session `cs_<tag>`), as the checkout leaves them.
 */
export async function paidCustomer(db: Kysely<Database>, user: User, tag: string): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("stripe_customers")
    .values({
      user_id: user.id,
      stripe_customer_id: `cus_${tag}`,
      email: user.email,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto("payments")
    .values({
      user_id: user.id,
      plan: "talent_annual_membership",
      amount: 30000,
      currency: "mad",
      status: "paid",
      idempotency_key: `paid-${tag}`,
      stripe_checkout_session_id: `cs_${tag}`,
      stripe_payment_intent_id: `pi_${tag}`,
      stripe_customer_id: `cus_${tag}`,
      paid_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
