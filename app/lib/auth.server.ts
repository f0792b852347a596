import { redirect } from "@remix-run/node";
import { Authenticator } from "remix-auth";
import { FormStrategy } from "remix-auth-form";
import { z } from "zod";
import type { DB, User } from "../../db/schema";
import { isRole, ROLES } from "./roles";
import { db } from "./db.server";
import { rememberDevice } from "./device-cookie.server";
import type { FieldErrors } from "./forms.server";
import { INVISIBLE_OR_CONTROL, parseForm } from "./forms.server";
import { newPasswordProblem } from "./password-policy.server";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "./password.server";
import { createUserSession, getSessionUser } from "./session.server";
import { findUserByEmail, updatePasswordHash } from "./users.server";

export const MAX_FIELD_LENGTH = 200;
export { MIN_PASSWORD_LENGTH } from "./password-policy.server";
export const INVALID_LOGIN = "auth:errors.invalidLogin";

// Messages are catalog keys (app/locales/*/auth.json); the page shows them in its language.
const tooLong = "auth:errors.tooLong";

/** A person's or company's name as shown to others: trimmed, bounded, nothing invisible. */
export const nameField = z
  .string({ required_error: "auth:errors.enterName" })
  .trim()
  .min(1, "auth:errors.enterName")
  .max(MAX_FIELD_LENGTH, tooLong)
  .refine((v) => !INVISIBLE_OR_CONTROL.test(v), "auth:errors.nameCharacters");

/** Emails are compared trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase().slice(0, MAX_FIELD_LENGTH);
}

const emailField = z
  .string({ required_error: "auth:errors.enterEmail" })
  .trim()
  .toLowerCase()
  .min(1, "auth:errors.enterEmail")
  .max(MAX_FIELD_LENGTH, tooLong)
  .email("auth:errors.invalidEmail");

/** A password being set: kept exactly as typed (spaces are part of it), checked by the policy. */
export const newPasswordField = z
  .string({ required_error: "auth:errors.enterNewPassword" })
  .min(1, "auth:errors.enterNewPassword")
  .superRefine((password, ctx) => {
    const problem = newPasswordProblem(password);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

export const registerSchema = z.object({
  name: nameField,
  email: emailField,
  password: newPasswordField,
  role: z.enum(ROLES, {
    errorMap: (issue) => ({
      message:
        issue.code === "invalid_type" ? "auth:errors.chooseRole" : "auth:errors.chooseListedRole",
    }),
  }),
});

export const loginSchema = z.object({
  email: emailField,
  password: z
    .string({ required_error: "auth:errors.enterPassword" })
    .min(1, "auth:errors.enterPassword")
    .max(MAX_FIELD_LENGTH, tooLong),
});

/** Thrown by the login strategy; the login action turns it into a 400 answer. */
export class LoginError extends Error {
  override name = "LoginError";
  constructor(
    readonly fieldErrors: FieldErrors,
    readonly formError?: string,
  ) {
    super(formError ?? "Invalid login form");
  }
}

/**
 * The user whose email and password these are, or null. An unknown email costs the same hash
 * time as a wrong password. A hash made with older parameters is replaced after a good login.
 */
export async function verifyLogin(
  database: DB,
  email: string,
  password: string,
): Promise<User | null> {
  const user = await findUserByEmail(database, email);
  if (!user) {
    await verifyDummyPassword(password);
    return null;
  }
  if (!(await verifyPassword(password, user.password_hash))) return null;
  if (needsRehash(user.password_hash))
    await updatePasswordHash(database, user.id, await hashPassword(password));
  return user;
}

export const LOGIN_STRATEGY = "user-pass";

export const authenticator = new Authenticator<User>().use(
  new FormStrategy<User>(async ({ form }) => {
    const parsed = parseForm(loginSchema, form);
    if (!parsed.ok) throw new LoginError(parsed.fieldErrors);
    const user = await verifyLogin(db(), parsed.data.email, parsed.data.password);
    if (!user) throw new LoginError({}, INVALID_LOGIN);
    return user;
  }),
  LOGIN_STRATEGY,
);

export function getUser(request: Request): Promise<User | null> {
  return getSessionUser(db(), request);
}

function notFound(): Response {
  return new Response("There is no such page.", { status: 404, statusText: "Not Found" });
}

/** `pathname` with its first segment equal to `from` replaced by `to`. */
function swapSegment(pathname: string, from: string, to: string): string {
  const segments = pathname.split("/");
  const index = segments.findIndex((s) => s === from || safeDecode(s) === from);
  if (index >= 0) segments[index] = to;
  return segments.join("/");
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The signed-in user. Throws a redirect to /login (coming back here afterwards) when signed out;
 * with `role`, throws a 404 for an unknown role and a redirect to the same page under the user's
 * own role for another role.
 */
export async function requireUser(
  request: Request,
  options: { role?: string } = {},
): Promise<User> {
  const { role } = options;
  if (role !== undefined && !isRole(role)) throw notFound();
  const url = new URL(request.url);
  const user = await getUser(request);
  if (!user) {
    // A link's language (?lng=, as in emails) carries on to the login page.
    const lng = url.searchParams.get("lng");
    const language = lng && /^[a-z]{2}$/.test(lng) ? `&lng=${lng}` : "";
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}${language}`);
  }
  if (role !== undefined && role !== user.role)
    throw redirect(swapSegment(url.pathname, role, user.role) + url.search);
  return user;
}

/** For pages only signed-out visitors need (login, register): a signed-in user goes to their dashboard. */
export async function requireAnonymous(request: Request): Promise<void> {
  const user = await getUser(request);
  if (user) throw redirect(`/dashboard/${user.role}`);
}

/**
 * Starts a session for `user` and answers a 303 to `to` carrying the session cookie and the
 * device cookie that marks this browser as one the account has signed in from.
 */
export async function signInAndRedirect(
  request: Request,
  user: User,
  to: string,
): Promise<Response> {
  // The answer is built first: a target that cannot be a Location header fails before any write.
  const response = redirect(to, 303);
  response.headers.append("Set-Cookie", await createUserSession(db(), request, user.id));
  response.headers.append("Set-Cookie", await rememberDevice(request, normalizeEmail(user.email)));
  return response;
}
