import { cookiePair, formRequest, withAuthTestDatabase } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "../../app/lib/db.server";
import {
  isCommonPassword,
  PASSWORD_TOO_COMMON,
  PASSWORD_TOO_LONG,
  PASSWORD_TOO_SHORT,
} from "../../app/lib/password-policy.server";
import * as login from "../../app/routes/login";
import * as register from "../../app/routes/register";
import { args, run } from "../support/requests";

withAuthTestDatabase();

interface FormAnswer {
  fieldErrors: Record<string, string>;
}

let counter = 0;
const uniqueEmail = () => `policy${(counter += 1)}@example.com`;

async function usersWith(email: string): Promise<number> {
  const row = await db()
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("email", "=", email)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function registerWith(email: string, password: string) {
  return run<FormAnswer>(() =>
    register.action(
      args(formRequest("/register", { name: "Ana Actor", email, password, role: "talent" })),
    ),
  );
}

describe("new passwords", () => {
  it.each([
    ["8 digits", "12345678", PASSWORD_TOO_SHORT],
    ["9 random characters", "x7#kq9!zr", PASSWORD_TOO_SHORT],
    ["9 characters padded by a space", " x7#kq9!z", PASSWORD_TOO_SHORT],
    [
      "4 emoji (8 UTF-16 units, 4 characters) and 5 letters",
      "abcde\u{1F600}\u{1F600}\u{1F600}\u{1F600}",
      PASSWORD_TOO_SHORT,
    ],
    ["ten digits in a row", "1234567890", PASSWORD_TOO_COMMON],
    ["password123", "password123", PASSWORD_TOO_COMMON],
    ["a common one with other capitals", "PassWord123", PASSWORD_TOO_COMMON],
    ["a keyboard row", "qwertyuiop", PASSWORD_TOO_COMMON],
    ["a common word", "basketball", PASSWORD_TOO_COMMON],
    ["one character ten times", "aaaaaaaaaa", PASSWORD_TOO_COMMON],
    ["201 characters", "Zq8!".repeat(50) + "x", PASSWORD_TOO_LONG],
  ])(
    "registration with %s is a 400 naming the password, and no account",
    async (_l, password, message) => {
      const email = uniqueEmail();
      const outcome = await registerWith(email, password);
      expect(outcome.status).toBe(400);
      expect(outcome.data?.fieldErrors.password).toBe(message);
      expect(outcome.headers.get("Set-Cookie")).toBeNull();
      expect(await usersWith(email)).toBe(0);
    },
  );

  it("keeps a password exactly as typed: spaces count, nothing is cut or changed", async () => {
    const email = uniqueEmail();
    const password = `  my ${"\u00e9t\u00e9"} in Rabat ${"\u{1F3AD}"}  `;
    const outcome = await registerWith(email, password);
    expect(outcome.status).toBe(303);
    expect(await usersWith(email)).toBe(1);
    cookiePair(outcome.headers.get("Set-Cookie"));
    const signIn = (pw: string) =>
      run(() => login.action(args(formRequest("/login", { email, password: pw }))));
    expect((await signIn(password.trim())).status, "trimmed").toBe(400);
    expect((await signIn(password.replace("\u00e9t\u00e9", "ete"))).status, "accents").toBe(400);
    expect((await signIn(password.slice(0, -1))).status, "one space less").toBe(400);
    // The same characters typed on another keyboard (decomposed accents) are the same password:
    // hashes are computed over the NFKC form (NIST SP 800-63B).
    expect((await signIn(password.normalize("NFD"))).status, "NFD").toBe(303);
    expect((await signIn(password)).status).toBe(303);
  });

  it("accepts 10 characters that are not on the list, counting each emoji once", async () => {
    for (const password of ["vk3-Lm9#qe", "abcdef\u{1F600}\u{1F600}\u{1F600}\u{1F600}"]) {
      const email = uniqueEmail();
      expect((await registerWith(email, password)).status, password).toBe(303);
      expect(await usersWith(email)).toBe(1);
    }
  });

  it("accepts exactly 200 characters", async () => {
    const email = uniqueEmail();
    expect((await registerWith(email, "Zq8!".repeat(50))).status).toBe(303);
  });

  it("knows the list: the most used passwords of 10 characters and more are on it", () => {
    for (const p of ["1234567890", "qwertyuiop", "1q2w3e4r5t", "iloveyou12", "football123"])
      expect(isCommonPassword(p), p).toBe(true);
    expect(isCommonPassword("correct horse battery staple 7")).toBe(false);
  });
});
