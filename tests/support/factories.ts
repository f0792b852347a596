import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, Role, SubscriptionStatus, User } from "../../db/schema";
import { createUserSession } from "../../app/lib/session.server";
import { planForRole } from "../../app/payments/pricing";
import { TEST_APP_URL } from "./app";

export interface UserOverrides {
  role?: Role;
  email?: string;
  name?: string;
  subscription_status?: SubscriptionStatus;
  access_expires_at?: string | null;
}

/** Inserts a user straight into the database (no password hashing: these users never log in). */
export async function createUser(
  db: Kysely<Database>,
  overrides: UserOverrides = {},
): Promise<User> {
  const role = overrides.role ?? "talent";
  const now = new Date().toISOString();
  return db
    .insertInto("users")
    .values({
      email: overrides.email ?? `${role}-${randomBytes(4).toString("hex")}@example.test`,
      name: overrides.name ?? "Amina Test",
      role,
      password_hash: "not-a-real-hash",
      subscription_status: overrides.subscription_status ?? "NONE",
      access_expires_at: overrides.access_expires_at ?? null,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A "name=value" Cookie header value of a fresh session of `user`, made by the auth module. */
export async function sessionCookieFor(
  db: Kysely<Database>,
  user: Pick<User, "id">,
): Promise<string> {
  const setCookie = await createUserSession(db, new Request(TEST_APP_URL), user.id);
  return setCookie.split(";")[0] ?? "";
}

export async function reloadUser(db: Kysely<Database>, id: number): Promise<User> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export function daysFromNow(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() + days * 24 * 60 * 60 * 1000).toISOString();
}

export interface PaymentOverrides {
  sessionId?: string;
  amount?: number;
  currency?: string;
  plan?: string;
  status?: "pending" | "paid" | "failed" | "expired" | "canceled";
  createdAt?: string;
}

/** A payment row as the checkout action leaves it after Stripe answered. */
export async function createPendingPayment(
  db: Kysely<Database>,
  user: Pick<User, "id" | "role">,
  overrides: PaymentOverrides = {},
) {
  const now = overrides.createdAt ?? new Date().toISOString();
  const sessionId = overrides.sessionId ?? `cs_test_${randomBytes(8).toString("hex")}`;
  return db
    .insertInto("payments")
    .values({
      user_id: user.id,
      plan: overrides.plan ?? planForRole(user.role, overrides.currency ?? "mad").id,
      amount: overrides.amount ?? 30000,
      currency: overrides.currency ?? "mad",
      status: overrides.status ?? "pending",
      idempotency_key: randomBytes(16).toString("hex"),
      stripe_checkout_session_id: sessionId,
      checkout_url: `https://checkout.example.test/c/pay/${sessionId}`,
      checkout_expires_at: new Date(Date.parse(now) + 60 * 60 * 1000).toISOString(),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
