import { formRequest, withAuthTestDatabase } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "../../app/lib/db.server";
import { DEVICE_COOKIE_NAME } from "../../app/lib/device-cookie.server";
import { FAILED_LOGIN_LIMIT } from "../../app/lib/rate-limit.server";
import * as login from "../../app/routes/login";
import * as register from "../../app/routes/register";
import { args, run } from "../support/requests";

withAuthTestDatabase();

const PASSWORD = "s3cret-passw0rd";
let counter = 0;
const uniqueEmail = () => `owner${++counter}@example.com`;

/** The "name=value" of the cookie named `name` among a response's Set-Cookie headers. */
function cookieNamed(headers: Headers, name: string): string {
  const pair = headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith(`${name}=`));
  if (!pair) throw new Error(`no ${name} cookie`);
  return pair;
}

async function sessionsOf(email: string): Promise<number> {
  const row = await db()
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("users.email", "=", email)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An account and the device cookie of the browser that created it. */
async function owner() {
  const email = uniqueEmail();
  const outcome = await run(() =>
    register.action(
      args(formRequest("/register", { name: "Owner", email, password: PASSWORD, role: "talent" })),
    ),
  );
  expect(outcome.status).toBe(303);
  return { email, device: cookieNamed(outcome.headers, DEVICE_COOKIE_NAME) };
}

/** A login attempt from a fresh address (each one a new client, as a botnet's would be). */
function attempt(email: string, password: string, cookie?: string) {
  return run<{ rateLimited: { scope: string } | null }>(() =>
    login.action(args(formRequest("/login", { email, password }, { cookie }))),
  );
}

describe("a stranger guessing a member's password", () => {
  it("is locked out after the limit while the owner's known browser still signs in", async () => {
    const { email, device } = await owner();
    const sessionsBefore = await sessionsOf(email);

    for (let i = 0; i < FAILED_LOGIN_LIMIT; i++)
      expect((await attempt(email, `wrong-guess-${i}`)).status).toBe(400);
    for (const password of ["wrong-guess-x", PASSWORD]) {
      const refused = await attempt(email, password);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(refused.data?.rateLimited?.scope).toBe("account");
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    expect(await sessionsOf(email)).toBe(sessionsBefore);

    // The owner, from the browser that signed in before.
    const ownerLogin = await attempt(email, PASSWORD, device);
    expect(ownerLogin.status).toBe(303);
    expect(await sessionsOf(email)).toBe(sessionsBefore + 1);

    // The stranger is still refused, with the right password too.
    expect((await attempt(email, PASSWORD)).status).toBe(429);
    expect(await sessionsOf(email)).toBe(sessionsBefore + 1);
  });

  it("gains nothing from a device cookie of their own account, a forged one or one signed for another", async () => {
    const victim = await owner();
    const stranger = await owner();
    for (let i = 0; i < FAILED_LOGIN_LIMIT; i++) await attempt(victim.email, `guess-${i}`);
    const [, strangerValue = ""] = stranger.device.split("=");
    const forged = `${DEVICE_COOKIE_NAME}=${Buffer.from(
      JSON.stringify({ id: "a".repeat(22), accounts: ["x"] }),
    ).toString("base64")}`;
    const tampered = `${DEVICE_COOKIE_NAME}=${strangerValue.replace(/^./, (c) => (c === "e" ? "f" : "e"))}`;
    for (const cookie of [stranger.device, forged, tampered]) {
      const refused = await attempt(victim.email, PASSWORD, cookie);
      expect(refused.status, cookie).toBe(429);
    }
    expect(await sessionsOf(victim.email)).toBe(1);
  });

  it("limits a known browser too: past its own limit it is counted with the strangers", async () => {
    const { email, device } = await owner();
    for (let i = 0; i < FAILED_LOGIN_LIMIT; i++)
      expect((await attempt(email, `typo-${i}`, device)).status).toBe(400);
    // Strangers' counter is still empty: the known browser now uses it.
    expect((await attempt(email, "typo-x", device)).status).toBe(400);
    for (let i = 1; i < FAILED_LOGIN_LIMIT; i++) await attempt(email, `guess-${i}`);
    expect((await attempt(email, PASSWORD, device)).status).toBe(429);
    expect((await attempt(email, PASSWORD)).status).toBe(429);
  });

  it("remembers each account a browser signed in to, and the owner's failures do not touch the strangers' count", async () => {
    const first = await owner();
    const second = await owner();
    // The browser of `first` signs in to `second` too: one device cookie names both accounts.
    const both = await attempt(second.email, PASSWORD, first.device);
    expect(both.status).toBe(303);
    const device = cookieNamed(both.headers, DEVICE_COOKIE_NAME);
    for (let i = 0; i < FAILED_LOGIN_LIMIT; i++) {
      await attempt(first.email, `guess-${i}`);
      await attempt(second.email, `guess-${i}`);
    }
    expect((await attempt(first.email, PASSWORD, device)).status).toBe(303);
    expect((await attempt(second.email, PASSWORD, device)).status).toBe(303);
  });
});
