import { cookiePair, formRequest, freshIp, withAuthTestDatabase } from "../support/auth";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { INVALID_LOGIN, requireUser } from "../../app/lib/auth.server";
import { db } from "../../app/lib/db.server";
import { sessionCookie } from "../../app/lib/session.server";
import { createUser, EmailTakenError } from "../../app/lib/users.server";
import * as dashboard from "../../app/routes/dashboard.$role";
import * as index from "../../app/routes/_index";
import * as login from "../../app/routes/login";
import * as logout from "../../app/routes/logout";
import * as register from "../../app/routes/register";
import { args, getRequest, run } from "../support/requests";
import { english } from "../support/messages";

type Form = Record<string, string>;
interface FormAnswer {
  fieldErrors: Record<string, string>;
  formError?: string | null;
  rateLimited: { retryAfterSeconds: number } | null;
}

const PASSWORD = "s3cret-passw0rd";

withAuthTestDatabase();

let emailCounter = 0;
function uniqueEmail(): string {
  emailCounter += 1;
  return `person${emailCounter}@example.com`;
}

function registration(overrides: Form = {}): Form {
  return {
    name: "Ana Actor",
    email: uniqueEmail(),
    password: PASSWORD,
    role: "talent",
    ...overrides,
  };
}

async function countUsers(): Promise<number> {
  const row = await db()
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function registerUser(form: Form = registration()) {
  const outcome = await run(() => register.action(args(formRequest("/register", form))));
  expect(outcome.status).toBe(303);
  return {
    email: form.email ?? "",
    role: form.role ?? "",
    cookie: cookiePair(outcome.headers.get("Set-Cookie")),
  };
}

async function loadDashboard(role: string, cookie?: string) {
  return run<Awaited<ReturnType<typeof dashboard.loader>>>(() =>
    dashboard.loader(args(getRequest(`/dashboard/${role}`, cookie), { role })),
  );
}

describe("register", () => {
  it("creates the account with no access, signs in and answers 303 to the role's dashboard, ignoring plan and price fields", async () => {
    const form = registration({
      email: "  Ana.Actor@Example.COM ",
      role: "professional",
      plan: "company_annual_access",
      price: "1",
      amount: "1",
    });
    const outcome = await run(() => register.action(args(formRequest("/register", form))));

    expect(outcome.status).toBe(303);
    expect(outcome.headers.get("Location")).toBe("/dashboard/professional");
    const setCookie = outcome.headers.get("Set-Cookie") ?? "";
    expect(setCookie).toMatch(/^__session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).toMatch(/Max-Age=2592000/);
    expect(setCookie).not.toMatch(/Secure/i);

    const user = await db()
      .selectFrom("users")
      .selectAll()
      .where("email", "=", "ana.actor@example.com")
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      name: "Ana Actor",
      role: "professional",
      subscription_status: "NONE",
      access_expires_at: null,
    });
    expect(user.password_hash).toMatch(/^scrypt\$4096\$8\$1\$/);
    expect(user.password_hash).not.toContain(PASSWORD);
    expect(await db().selectFrom("payments").selectAll().execute()).toEqual([]);

    // The table holds sha256 of the cookie's id, never the id itself.
    const rawId = (await sessionCookie().parse(cookiePair(setCookie))) as string;
    const sessions = await db()
      .selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.id).toBe(createHash("sha256").update(rawId).digest("hex"));
    expect(sessions[0]?.user_agent).toBe("vitest auth suite");
    const days = (Date.parse(sessions[0]?.expires_at ?? "") - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const page = await loadDashboard("professional", cookiePair(setCookie));
    expect(page.status).toBe(200);
    expect(page.data?.user).toEqual({
      name: "Ana Actor",
      role: "professional",
    });
    expect(page.data?.member.statusLine).toBe("No plan yet");
    expect(page.data?.member.primary).toMatchObject({
      label: "Choose a plan",
      href: "/dashboard/professional/payment",
    });
  });

  const long = "x".repeat(201);
  it.each<[string, Form, string]>([
    ["an empty name", { name: "   " }, "name"],
    ["a missing name", { name: "" }, "name"],
    ["a name over 200 characters", { name: long }, "name"],
    ["an empty email", { email: "" }, "email"],
    ["an invalid email", { email: "not-an-email" }, "email"],
    ["an email over 200 characters", { email: `${"a".repeat(195)}@example.com` }, "email"],
    ["an empty password", { password: "" }, "password"],
    ["a password shorter than 10", { password: "x7#kq9!zr" }, "password"],
    ["a password over 200 characters", { password: long }, "password"],
    ["an unknown role", { role: "admin" }, "role"],
    ["no role", { role: "" }, "role"],
  ])(
    "answers 400 with a field error and writes nothing for %s",
    async (_label, override, field) => {
      const before = await countUsers();
      const outcome = await run<FormAnswer>(() =>
        register.action(args(formRequest("/register", registration(override)))),
      );
      expect(outcome.status).toBe(400);
      expect(outcome.data?.fieldErrors[field]).toEqual(expect.any(String));
      expect(outcome.headers.get("Set-Cookie")).toBeNull();
      expect(await countUsers()).toBe(before);
    },
  );

  it("answers 400 with field errors for a form with no fields at all", async () => {
    const outcome = await run<FormAnswer>(() =>
      register.action(args(formRequest("/register", {}))),
    );
    expect(outcome.status).toBe(400);
    expect(Object.keys(outcome.data?.fieldErrors ?? {}).sort()).toEqual([
      "email",
      "name",
      "password",
      "role",
    ]);
  });

  it("refuses a taken email, whatever its case, as a 400 field error on Email", async () => {
    const { email } = await registerUser();
    const before = await countUsers();
    const outcome = await run<FormAnswer>(() =>
      register.action(
        args(
          formRequest(
            "/register",
            registration({ email: ` ${email.toUpperCase()} `, role: "company" }),
          ),
        ),
      ),
    );
    expect(outcome.status).toBe(400);
    expect(english(outcome.data?.fieldErrors.email)).toBe(
      "An account with this email already exists",
    );
    expect(await countUsers()).toBe(before);
  });

  it("turns the UNIQUE constraint into EmailTakenError when two registrations race", async () => {
    const input = {
      email: uniqueEmail(),
      name: "Racer",
      role: "talent" as const,
      passwordHash: "scrypt$x",
    };
    const results = await Promise.allSettled([createUser(db(), input), createUser(db(), input)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toBeInstanceOf(EmailTakenError);
  });

  it("six concurrent registrations of one email: one account, five field errors, never a 500", async () => {
    const before = await countUsers();
    const email = uniqueEmail();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        run<FormAnswer>(() =>
          register.action(
            args(formRequest("/register", registration({ email, name: `Racer ${i}` }))),
          ),
        ),
      ),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual([303, 400, 400, 400, 400, 400]);
    for (const outcome of outcomes.filter((o) => o.status === 400))
      expect(english(outcome.data?.fieldErrors.email)).toBe(
        "An account with this email already exists",
      );
    expect(await countUsers()).toBe(before + 1);
  });

  it("sends a signed-in user to their dashboard", async () => {
    const { cookie } = await registerUser(registration({ role: "company" }));
    const page = await run(() => register.loader(args(getRequest("/register", cookie))));
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe("/dashboard/company");
  });
});

describe("login", () => {
  it("signs in with a new session and goes to the role's dashboard", async () => {
    const { email, cookie: firstCookie } = await registerUser(registration({ role: "company" }));
    const outcome = await run(() =>
      login.action(args(formRequest("/login", { email: email.toUpperCase(), password: PASSWORD }))),
    );
    expect(outcome.status).toBe(303);
    expect(outcome.headers.get("Location")).toBe("/dashboard/company");
    const cookie = cookiePair(outcome.headers.get("Set-Cookie"));
    expect(cookie).not.toBe(firstCookie);
    expect((await loadDashboard("company", cookie)).status).toBe(200);
  });

  it("follows a same-site redirectTo and ignores an off-site one", async () => {
    const { email } = await registerUser();
    const good = await run(() =>
      login.action(
        args(
          formRequest("/login", {
            email,
            password: PASSWORD,
            redirectTo: "/dashboard/talent/payment?from=login",
          }),
        ),
      ),
    );
    expect(good.headers.get("Location")).toBe("/dashboard/talent/payment?from=login");
    const evil = await run(() =>
      login.action(
        args(formRequest("/login", { email, password: PASSWORD, redirectTo: "//evil.com" })),
      ),
    );
    expect(evil.headers.get("Location")).toBe("/dashboard/talent");
  });

  it("answers 400 'Invalid email or password' for a wrong password or an unknown email, and starts no session", async () => {
    const { email } = await registerUser();
    const sessionsBefore = (await db().selectFrom("sessions").select("id").execute()).length;
    for (const form of [
      { email, password: "wrong-password" },
      { email: "nobody@example.com", password: PASSWORD },
    ]) {
      const outcome = await run<FormAnswer>(() => login.action(args(formRequest("/login", form))));
      expect(outcome.status).toBe(400);
      expect(outcome.data?.formError).toBe(INVALID_LOGIN);
      expect(outcome.headers.get("Set-Cookie")).toBeNull();
    }
    expect((await db().selectFrom("sessions").select("id").execute()).length).toBe(sessionsBefore);
  });

  it("answers 400 with field errors for empty or oversized fields", async () => {
    const empty = await run<FormAnswer>(() =>
      login.action(args(formRequest("/login", { email: "", password: "" }))),
    );
    expect(empty.status).toBe(400);
    expect(Object.keys(empty.data?.fieldErrors ?? {}).sort()).toEqual(["email", "password"]);
    const long = await run<FormAnswer>(() =>
      login.action(args(formRequest("/login", { email: "a@b.co", password: "p".repeat(201) }))),
    );
    expect(long.status).toBe(400);
    expect(long.data?.fieldErrors.password).toEqual(expect.any(String));
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After after the per-minute limit of login attempts, per client", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) {
      const outcome = await run(() =>
        login.action(
          args(formRequest("/login", { email: "x@example.com", password: "wrong-pass" }, { ip })),
        ),
      );
      expect(outcome.status).toBe(400);
    }
    const limited = await run<FormAnswer>(() =>
      login.action(
        args(formRequest("/login", { email: "x@example.com", password: "wrong-pass" }, { ip })),
      ),
    );
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.data?.rateLimited?.retryAfterSeconds).toBe(retryAfter);

    // The document answer gets Retry-After through the route's headers export.
    const headersArgs = {
      actionHeaders: limited.headers,
      loaderHeaders: new Headers(),
      parentHeaders: new Headers(),
      errorHeaders: undefined,
    };
    expect(
      new Headers(typeof login.headers === "function" ? login.headers(headersArgs) : {}).get(
        "Retry-After",
      ),
    ).toBe(String(retryAfter));

    const otherClient = await run(() =>
      login.action(args(formRequest("/login", { email: "x@example.com", password: "wrong-pass" }))),
    );
    expect(otherClient.status).toBe(400);
  });

  it("refuses a sixth registration a minute from one client without writing it", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i += 1) {
      await run(() =>
        register.action(
          args(formRequest("/register", registration({ password: "short" }), { ip })),
        ),
      );
    }
    const before = await countUsers();
    const limited = await run(() =>
      register.action(args(formRequest("/register", registration(), { ip }))),
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await countUsers()).toBe(before);
  });
});

describe("sessions", () => {
  it("logout deletes the session row, so the old cookie no longer signs in", async () => {
    const { cookie } = await registerUser();
    expect((await loadDashboard("talent", cookie)).status).toBe(200);
    const sessionsBefore = (await db().selectFrom("sessions").select("id").execute()).length;

    const out = await run(() => logout.action(args(formRequest("/logout", {}, { cookie }))));
    expect(out.status).toBe(303);
    expect(out.headers.get("Location")).toBe("/");
    expect(out.headers.get("Set-Cookie")).toMatch(
      /__session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/,
    );
    expect((await db().selectFrom("sessions").select("id").execute()).length).toBe(
      sessionsBefore - 1,
    );

    const after = await loadDashboard("talent", cookie);
    expect(after.status).toBe(302);
    expect(after.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard%2Ftalent");
  });

  it("a GET to /logout signs nobody out and goes home", async () => {
    const out = await run(() => logout.loader());
    expect(out.status).toBe(302);
    expect(out.headers.get("Location")).toBe("/");
  });

  it("treats an expired session as signed out and deletes its row", async () => {
    const { cookie } = await registerUser();
    const rawId = (await sessionCookie().parse(cookie)) as string;
    const hashed = createHash("sha256").update(rawId).digest("hex");
    await db()
      .updateTable("sessions")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", hashed)
      .execute();

    const page = await loadDashboard("talent", cookie);
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    expect(
      await db().selectFrom("sessions").select("id").where("id", "=", hashed).executeTakeFirst(),
    ).toBeUndefined();
  });

  it("ignores a cookie whose signature does not match", async () => {
    const { cookie } = await registerUser();
    const [name, value] = cookie.split("=");
    const forged = `${name}=${(value ?? "").slice(0, -4)}AAAA`;
    expect((await loadDashboard("talent", forged)).status).toBe(302);
  });
});

describe("requireUser and the dashboards", () => {
  it("sends a signed-out visitor to /login with the page to come back to", async () => {
    const page = await loadDashboard("company");
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe("/login?redirectTo=%2Fdashboard%2Fcompany");
    const deep = await run(() =>
      requireUser(getRequest("/dashboard/talent/payment?plan=x"), { role: "talent" }),
    );
    expect(deep.headers.get("Location")).toBe(
      `/login?redirectTo=${encodeURIComponent("/dashboard/talent/payment?plan=x")}`,
    );
  });

  it("redirects another role's URL to the same page under the user's own role", async () => {
    const { cookie } = await registerUser(registration({ role: "talent" }));
    const page = await loadDashboard("professional", cookie);
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe("/dashboard/talent");
    const deep = await run(() =>
      requireUser(getRequest("/dashboard/professional/payment?x=1", cookie), {
        role: "professional",
      }),
    );
    expect(deep.headers.get("Location")).toBe("/dashboard/talent/payment?x=1");
  });

  it("answers 404 for an unknown role", async () => {
    const { cookie } = await registerUser();
    expect((await loadDashboard("admin", cookie)).status).toBe(404);
    expect((await loadDashboard("admin")).status).toBe(404);
  });

  it("shows the effective status and the payment history, newest first", async () => {
    const { email, cookie } = await registerUser(registration({ role: "talent" }));
    const user = await db()
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("users")
      .set({ subscription_status: "ACTIVE", access_expires_at: "2027-11-21T10:00:00.000Z" })
      .where("id", "=", user.id)
      .execute();
    const payment = (n: number, status: "paid" | "failed", created: string) => ({
      user_id: user.id,
      plan: "talent_annual_membership",
      amount: 30000,
      currency: "mad",
      status,
      idempotency_key: `key-${user.id}-${n}`,
      stripe_checkout_session_id: `cs_test_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0_${n}`,
      stripe_payment_intent_id: `pi_test_${n}`,
      access_ends_at: status === "paid" ? "2027-11-21T10:00:00.000Z" : null,
      created_at: created,
      paid_at: status === "paid" ? created : null,
      updated_at: created,
    });
    const paymentIds = (
      await db()
        .insertInto("payments")
        .values([
          payment(1, "failed", "2026-11-20T09:00:00.000Z"),
          payment(2, "paid", "2026-11-21T10:00:00.000Z"),
        ])
        .returning("id")
        .execute()
    ).map((r) => r.id);

    const page = await loadDashboard("talent", cookie);
    expect(page.data?.member.state).toBe("paid_once");
    expect(page.data?.member.statusLine).toBe("Active until 21 November 2027");
    expect(page.data?.member.nextCharge).toMatch(/does not renew/);
    expect(page.data?.member.canManageBilling).toBe(false);
    expect(
      page.data?.member.history.map((p) => [p.date, p.description, p.amount, p.status]),
    ).toEqual([
      ["21 November 2026", "Talent annual membership, paid once", "MAD\u00a0300.00", "paid"],
      ["20 November 2026", "Talent annual membership, paid once", "MAD\u00a0300.00", "failed"],
    ]);
    // A receipt for the paid one, nothing to open for the failed one; never a Stripe id.
    expect(page.data?.member.history.map((p) => p.reference)).toEqual([
      { label: "Receipt", href: `/dashboard/talent/billing/receipts/${paymentIds[1]}` },
      null,
    ]);
    expect(JSON.stringify(page.data)).not.toMatch(/cs_test|pi_test/);

    await db()
      .updateTable("users")
      .set({ access_expires_at: "2020-01-01T00:00:00.000Z" })
      .where("id", "=", user.id)
      .execute();
    expect((await loadDashboard("talent", cookie)).data?.member.statusLine).toBe(
      "Expired on 1 January 2020",
    );
  });
});

describe("landing page", () => {
  it("lists the three roles with their yearly prices and knows who is signed in", async () => {
    const anonymous = await run<Awaited<ReturnType<typeof index.loader>>>(() =>
      index.loader(args(getRequest("/"))),
    );
    expect(anonymous.data?.user).toBeNull();
    const plain = (text: string) => text.replaceAll("\u00a0", " ");
    expect(
      anonymous.data?.plans.map((p) => [p.role, plain(p.price), plain(p.monthly), plain(p.yearly)]),
    ).toEqual([
      ["talent", "MAD 300.00", "MAD 30.00 a month", "MAD 300.00 a year"],
      ["professional", "MAD 1,500.00", "MAD 150.00 a month", "MAD 1,500.00 a year"],
      ["company", "MAD 3,500.00", "MAD 350.00 a month", "MAD 3,500.00 a year"],
    ]);
    expect(anonymous.data?.plans[0]?.trialDays).toBeGreaterThan(0);
    const { cookie } = await registerUser(registration({ name: "Cora", role: "company" }));
    const signedIn = await run<Awaited<ReturnType<typeof index.loader>>>(() =>
      index.loader(args(getRequest("/", cookie))),
    );
    expect(signedIn.data?.user).toEqual({ name: "Cora", role: "company" });
  });
});
