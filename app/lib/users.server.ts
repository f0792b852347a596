import type { DB, Role, User } from "../../db/schema";
import { isUniqueViolation } from "../../db/dialect";
import { now as appNow } from "./clock.server";

export class EmailTakenError extends Error {
  override name = "EmailTakenError";
  constructor() {
    super("auth:errors.emailTaken");
  }
}

export interface NewUserInput {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  /** the language the member signed up in ("fr" or "en") */
  locale?: string | null;
}

/** `email` must already be trimmed and lowercased, as registration stores it. */
export async function findUserByEmail(db: DB, email: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function findUserById(db: DB, id: number): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Creates an account with no access yet. Throws EmailTakenError when the email is registered (also under a race). */
export async function createUser(db: DB, input: NewUserInput): Promise<User> {
  const now = appNow().toISOString();
  try {
    return await db
      .insertInto("users")
      .values({
        email: input.email,
        name: input.name,
        role: input.role,
        password_hash: input.passwordHash,
        locale: input.locale ?? null,
        subscription_status: "NONE",
        access_expires_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error, "users.email")) throw new EmailTakenError();
    throw error;
  }
}

export async function updatePasswordHash(
  db: DB,
  userId: number,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable("users")
    .set({ password_hash: passwordHash, updated_at: appNow().toISOString() })
    .where("id", "=", userId)
    .execute();
}
