import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * What a new password must be (decision 0018): at least MIN_PASSWORD_LENGTH characters (code
 * points, so an accented or emoji character counts once), at most MAX_PASSWORD_LENGTH, and not
 * one of the passwords attackers try first. The password is kept exactly as typed: never
 * trimmed, truncated or normalised.
 */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

let common: ReadonlySet<string> | undefined;

/**
 * zxcvbn's list of common passwords (about 49,000, most frequent first, from leaked password
 * sets), installed with the app: checking needs no network. Compared without case.
 */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

/** True for a password on the common list, or one character repeated. */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return commonPasswords().has(lower) || new Set(lower).size === 1;
}

// Field errors are catalog keys (auth namespace), shown in the reader's language. The catalogs
// write the lengths out, as for the other field errors: change them with the constants above.
export const PASSWORD_TOO_SHORT = "auth:errors.passwordTooShort";
export const PASSWORD_TOO_LONG = "auth:errors.passwordTooLong";
export const PASSWORD_TOO_COMMON = "auth:errors.passwordTooCommon";

/** The field error for a new password, or null when it is acceptable. */
export function newPasswordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return PASSWORD_TOO_SHORT;
  if (length > MAX_PASSWORD_LENGTH) return PASSWORD_TOO_LONG;
  if (isCommonPassword(password)) return PASSWORD_TOO_COMMON;
  return null;
}
