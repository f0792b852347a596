import { cookiePair, formRequest, freshIp, withAuthTestDatabase } from "../support/auth";
import { testBackend } from "../support/app";
import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signInAndRedirect } from "../../app/lib/auth.server";
import { CLIENT_ADDRESS_HEADER, rateLimitKey } from "../../app/lib/client-address.server";
import { db } from "../../app/lib/db.server";
import { MAX_FORM_BYTES } from "../../app/lib/forms.server";
import {
  hashPassword,
  HASH_CONCURRENCY,
  HASH_QUEUE_LIMIT,
  TEST_SCRYPT,
} from "../../app/lib/password.server";
import { FAILED_LOGIN_LIMIT, FAILED_LOGIN_WINDOW_MS } from "../../app/lib/rate-limit.server";
import { CROSS_SITE_REFUSED } from "../../app/lib/same-origin.server";
import { createSemaphore } from "../../app/lib/semaphore.server";
import * as login from "../../app/routes/login";
import * as logout from "../../app/routes/logout";
import * as register from "../../app/routes/register";
import { args, run } from "../support/requests";
import { english } from "../support/messages";

withAuthTestDatabase();
afterEach(() => vi.useRealTimers());

const PASSWORD = "s3cret-passw0rd";
let counter = 0;
const uniqueEmail = () => `guard${++counter}@example.com`;

async function countUsers(): Promise<number> {
  const row = await db()
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function registered(email = uniqueEmail()) {
  const outcome = await run(() =>
    register.action(
      args(
        formRequest("/register", { name: "Guarded", email, password: PASSWORD, role: "talent" }),
      ),
    ),
  );
  expect(outcome.status).toBe(303);
  return { email, cookie: cookiePair(outcome.headers.get("Set-Cookie")) };
}

function withHeaders(request: Request, headers: Record<string, string>): Request {
  const copy = new Headers(request.headers);
  for (const [name, value] of Object.entries(headers)) copy.set(name, value);
  return new Request(request, { headers: copy });
}

/** A POST whose body arrives in chunks without a Content-Length, as a chunked upload does. */
function streamingFormRequest(path: string, bytes: number): Request {
  const chunk = new TextEncoder().encode(`name=${"a".repeat(1019)}&`);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return new Request(`http://localhost:3000${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      [CLIENT_ADDRESS_HEADER]: freshIp(),
    },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("bounded form bodies", () => {
  const huge = (fields: Record<string, string>) => ({
    ...fields,
    padding: "x".repeat(MAX_FORM_BYTES),
  });

  it.each([
    ["/login", login.action, { email: "a@example.com", password: PASSWORD }],
    [
      "/register",
      register.action,
      { name: "Big", email: "big@example.com", password: PASSWORD, role: "talent" },
    ],
  ] as const)(
    "%s answers 413 to a body over 16 KiB by its Content-Length, writing nothing",
    async (path, action, fields) => {
      const users = await countUsers();
      const request = formRequest(path, huge(fields));
      const sized = withHeaders(request, { "Content-Length": String(MAX_FORM_BYTES + 100) });
      const outcome = await run<{ formError: string }>(() => action(args(sized)));
      expect(outcome.status).toBe(413);
      expect(english(outcome.data?.formError)).toMatch(/too large/);
      expect(await countUsers()).toBe(users);
    },
  );

  it.each([
    ["/login", login.action],
    ["/register", register.action],
  ] as const)("%s stops reading a streamed body once it passes 16 KiB", async (path, action) => {
    const users = await countUsers();
    const outcome = await run<{ formError: string }>(() =>
      action(args(streamingFormRequest(path, 100 * 1024 * 1024))),
    );
    expect(outcome.status).toBe(413);
    expect(await countUsers()).toBe(users);
  });

  it("still reads a streamed form under the limit", async () => {
    const outcome = await run<{ fieldErrors: Record<string, string> }>(() =>
      register.action(args(streamingFormRequest("/register", 4 * 1024))),
    );
    expect(outcome.status).toBe(400);
    expect(outcome.data?.fieldErrors.email).toEqual(expect.any(String));
  });
});

describe("names", () => {
  it.each([
    ["a control character", "Ana\u0007Actor"],
    ["a newline", "Ana\nActor"],
    ["a right-to-left override", "Ana \u202Erotca"],
    ["a bidi isolate", "Ana \u2067Actor"],
    ["a zero-width space", "Ana\u200BActor"],
    ["a zero-width joiner", "Ana\u200DActor"],
    ["a byte order mark inside", "Ana\uFEFFActor"],
    ["a line separator", "Ana\u2028Actor"],
  ])("refuses %s with a 400 field error and no account", async (_label, name) => {
    const users = await countUsers();
    const outcome = await run<{ fieldErrors: Record<string, string> }>(() =>
      register.action(
        args(
          formRequest("/register", {
            name,
            email: uniqueEmail(),
            password: PASSWORD,
            role: "talent",
          }),
        ),
      ),
    );
    expect(outcome.status).toBe(400);
    expect(english(outcome.data?.fieldErrors.name)).toMatch(/invisible/);
    expect(await countUsers()).toBe(users);
  });

  it("accepts letters from any script, accents, apostrophes and hyphens", async () => {
    for (const name of [
      "Zineb El-Amrani",
      "Rachid O'Neil",
      "\u00c9lodie M\u00fcller",
      "\u0641\u0627\u0637\u0645\u0629 \u0627\u0644\u0632\u0647\u0631\u0627\u0621",
    ]) {
      const outcome = await run(() =>
        register.action(
          args(
            formRequest("/register", {
              name,
              email: uniqueEmail(),
              password: PASSWORD,
              role: "talent",
            }),
          ),
        ),
      );
      expect(outcome.status, name).toBe(303);
    }
  });
});

describe("cross-site POSTs", () => {
  const foreign = { Origin: "https://evil.example" };

  it("refuses a login from another site's page with 403, signing nobody in", async () => {
    const { email } = await registered();
    const request = withHeaders(formRequest("/login", { email, password: PASSWORD }), foreign);
    const outcome = await run(() => login.action(args(request)));
    expect(outcome.status).toBe(403);
    expect(await outcome.response?.text()).toBe(CROSS_SITE_REFUSED);
    expect(outcome.headers.get("Set-Cookie")).toBeNull();
  });

  it("refuses a registration from another site (Sec-Fetch-Site without Origin) and creates no account", async () => {
    const users = await countUsers();
    const request = withHeaders(
      formRequest("/register", {
        name: "X",
        email: uniqueEmail(),
        password: PASSWORD,
        role: "talent",
      }),
      {
        "Sec-Fetch-Site": "cross-site",
      },
    );
    expect((await run(() => register.action(args(request)))).status).toBe(403);
    expect(await countUsers()).toBe(users);
  });

  it("refuses a cross-site logout, keeping the session", async () => {
    const { cookie } = await registered();
    const sessions = await db().selectFrom("sessions").select("id").execute();
    const request = withHeaders(formRequest("/logout", {}, { cookie }), foreign);
    expect((await run(() => logout.action(args(request)))).status).toBe(403);
    expect(await db().selectFrom("sessions").select("id").execute()).toEqual(sessions);

    const sameSite = withHeaders(formRequest("/logout", {}, { cookie }), {
      Origin: "http://localhost:3000",
    });
    expect((await run(() => logout.action(args(sameSite)))).status).toBe(303);
    expect((await db().selectFrom("sessions").select("id").execute()).length).toBe(
      sessions.length - 1,
    );
  });

  it("accepts the app's own origin and requests without any (tools that are not browsers)", async () => {
    const { email } = await registered();
    const own = withHeaders(formRequest("/login", { email, password: PASSWORD }), {
      Origin: "http://localhost:3000",
      "Sec-Fetch-Site": "same-origin",
    });
    expect((await run(() => login.action(args(own)))).status).toBe(303);
    const tool = formRequest("/login", { email, password: PASSWORD });
    expect((await run(() => login.action(args(tool)))).status).toBe(303);
  });

  it("guards every action of every route except Stripe's webhook", async () => {
    const files = readdirSync("app/routes").filter(
      (f) => /\.tsx?$/.test(f) && f !== "api.webhooks.stripe.ts",
    );
    let guarded = 0;
    for (const file of files) {
      const module = (await import(`../../app/routes/${file}`)) as {
        action?: (a: ReturnType<typeof args>) => Promise<unknown>;
      };
      if (!module.action) continue;
      const action = module.action;
      const request = withHeaders(formRequest("/anything", { x: "1" }), { Origin: "null" });
      const outcome = await run(() => action(args(request, { role: "talent", id: "1" })));
      expect(outcome.status, file).toBe(403);
      guarded++;
    }
    expect(guarded).toBeGreaterThanOrEqual(4);
  });
});

describe("failed logins per account", () => {
  it(`answers 429 with Retry-After after ${FAILED_LOGIN_LIMIT} failures from any addresses, also to the right password, until the window passes`, async () => {
    const { email } = await registered();
    vi.useFakeTimers({ toFake: ["Date"] });
    for (let i = 0; i < FAILED_LOGIN_LIMIT; i++) {
      const outcome = await run(() =>
        login.action(args(formRequest("/login", { email, password: "wrong-password" }))),
      );
      expect(outcome.status).toBe(400);
    }
    const blocked = await run<{ rateLimited: { retryAfterSeconds: number } | null }>(() =>
      login.action(
        args(formRequest("/login", { email: ` ${email.toUpperCase()} `, password: PASSWORD })),
      ),
    );
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(
      FAILED_LOGIN_WINDOW_MS / 1000 - 60,
    );
    expect(blocked.data?.rateLimited?.retryAfterSeconds).toBeGreaterThan(60);
    expect(blocked.headers.get("Set-Cookie")).toBeNull();

    // Another account is not affected.
    const other = await registered();
    expect(
      (
        await run(() =>
          login.action(args(formRequest("/login", { email: other.email, password: PASSWORD }))),
        )
      ).status,
    ).toBe(303);

    vi.setSystemTime(Date.now() + FAILED_LOGIN_WINDOW_MS + 1000);
    expect(
      (await run(() => login.action(args(formRequest("/login", { email, password: PASSWORD })))))
        .status,
    ).toBe(303);
  });

  it("forgets the failures after a successful login", async () => {
    const { email } = await registered();
    for (let i = 0; i < FAILED_LOGIN_LIMIT - 1; i++) {
      await run(() =>
        login.action(args(formRequest("/login", { email, password: "wrong-password" }))),
      );
    }
    expect(
      (await run(() => login.action(args(formRequest("/login", { email, password: PASSWORD })))))
        .status,
    ).toBe(303);
    for (let i = 0; i < FAILED_LOGIN_LIMIT - 1; i++) {
      expect(
        (
          await run(() =>
            login.action(args(formRequest("/login", { email, password: "wrong-password" }))),
          )
        ).status,
      ).toBe(400);
    }
  });
});

describe("per-address limits count an IPv6 client by its /64", () => {
  it("keys addresses", () => {
    expect(rateLimitKey("203.0.113.7")).toBe("203.0.113.7");
    expect(rateLimitKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(rateLimitKey("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(rateLimitKey("2001:0db8:0000:0001:ffff:ffff:ffff:ffff")).toBe("2001:db8:0:1::/64");
    expect(rateLimitKey("[2001:db8::1%eth0]")).toBe("2001:db8:0:0::/64");
    expect(rateLimitKey("::1")).toBe("0:0:0:0::/64");
    expect(rateLimitKey("local")).toBe("local");
  });

  it("refuses a client rotating addresses inside one /64, not its neighbour", async () => {
    // The harness allows 5 attempts a minute per client.
    for (let i = 1; i <= 5; i++) {
      const outcome = await run(() =>
        login.action(
          args(
            formRequest(
              "/login",
              { email: uniqueEmail(), password: "x" },
              { ip: `2001:db8:aa:1::${i}` },
            ),
          ),
        ),
      );
      expect(outcome.status).toBe(400);
    }
    const rotated = await run(() =>
      login.action(
        args(
          formRequest(
            "/login",
            { email: uniqueEmail(), password: "x" },
            { ip: "2001:db8:aa:1:ffff::9" },
          ),
        ),
      ),
    );
    expect(rotated.status).toBe(429);
    const neighbour = await run(() =>
      login.action(
        args(
          formRequest(
            "/login",
            { email: uniqueEmail(), password: "x" },
            { ip: "2001:db8:aa:2::1" },
          ),
        ),
      ),
    );
    expect(neighbour.status).toBe(400);
  });
});

describe("password hashing under a burst", () => {
  // The burst reaches the hasher all at once only when the queries before it complete in step
  // (SQLite's synchronous driver); on PostgreSQL the connection pool spreads the arrivals, so
  // how many find the queue full depends on timing. The queue itself is the same code on both.
  it.skipIf(testBackend === "postgres")(
    "runs a bounded number of hashes, queues a bounded number, and answers the rest 503 with Retry-After",
    async () => {
      const users = await countUsers();
      const burst = HASH_CONCURRENCY + HASH_QUEUE_LIMIT + 20;
      const outcomes = await Promise.all(
        Array.from({ length: burst }, () =>
          run(() =>
            register.action(
              args(
                formRequest("/register", {
                  name: "Burst",
                  email: uniqueEmail(),
                  password: PASSWORD,
                  role: "talent",
                }),
              ),
            ),
          ),
        ),
      );
      const busy = outcomes.filter((o) => o.status === 503);
      expect(busy).toHaveLength(20);
      for (const o of busy) {
        expect(Number(o.headers.get("Retry-After"))).toBeGreaterThan(0);
        expect(o.headers.get("Set-Cookie")).toBeNull();
      }
      expect(outcomes.filter((o) => o.status === 303)).toHaveLength(
        HASH_CONCURRENCY + HASH_QUEUE_LIMIT,
      );
      expect(await countUsers()).toBe(users + HASH_CONCURRENCY + HASH_QUEUE_LIMIT);
    },
  );

  it("semaphore: at most `concurrency` at once, FIFO, refuses beyond the queue", async () => {
    const slots = createSemaphore({
      concurrency: 2,
      queueLimit: 2,
      onFull: () => new Error("full"),
    });
    const releases: Array<() => void> = [];
    const order: number[] = [];
    let peak = 0;
    const task = (n: number) =>
      slots.run(async () => {
        peak = Math.max(peak, slots.running);
        order.push(n);
        await new Promise<void>((resolve) => releases.push(resolve));
      });
    const running = [task(1), task(2), task(3), task(4)];
    await expect(task(5)).rejects.toThrow("full");
    expect([slots.running, slots.waiting]).toEqual([2, 2]);
    while (releases.length > 0 || slots.running > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(running);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });
});

describe("sessions and passwords", () => {
  it("signing in replaces the session the request came with (its row is deleted)", async () => {
    const { email, cookie } = await registered();
    const user = await db()
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    const before = await db()
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", user.id)
      .execute();
    expect(before).toHaveLength(1);
    const response = await signInAndRedirect(formRequest("/login", {}, { cookie }), user, "/");
    expect(response.status).toBe(303);
    const after = await db()
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", user.id)
      .execute();
    expect(after).toHaveLength(1);
    expect(after[0]?.id).not.toBe(before[0]?.id);
  });

  it("a target that cannot be a Location header fails before any session is written", async () => {
    const { email } = await registered();
    const user = await db()
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    const sessions = () =>
      db().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    const before = await sessions();
    await expect(
      signInAndRedirect(formRequest("/login", {}), user, "/dashboard?x=\u0100"),
    ).rejects.toThrow(TypeError);
    expect(await sessions()).toEqual(before);
  });

  it("re-hashes a password stored with older parameters after a successful login", async () => {
    const { email } = await registered();
    const old = await hashPassword(PASSWORD, { ...TEST_SCRYPT, N: TEST_SCRYPT.N * 2 });
    await db()
      .updateTable("users")
      .set({ password_hash: old })
      .where("email", "=", email)
      .execute();
    expect(
      (await run(() => login.action(args(formRequest("/login", { email, password: PASSWORD })))))
        .status,
    ).toBe(303);
    const { password_hash } = await db()
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    expect(password_hash).not.toBe(old);
    expect(password_hash).toMatch(
      new RegExp(`^scrypt\\$${TEST_SCRYPT.N}\\$${TEST_SCRYPT.r}\\$${TEST_SCRYPT.p}\\$`),
    );
    // And the new hash still logs in.
    expect(
      (await run(() => login.action(args(formRequest("/login", { email, password: PASSWORD })))))
        .status,
    ).toBe(303);
  });
});
