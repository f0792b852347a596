import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  action as dashboardAction,
  loader as dashboardLoader,
} from "../../app/routes/dashboard.$role";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import { english } from "../support/messages";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

type ActionData = { fieldErrors: Record<string, string>; formError?: string; headline: string };

async function talent() {
  const user = await createUser(app.db, {
    role: "talent",
    subscription_status: "ACTIVE",
    access_expires_at: daysFromNow(100),
  });
  return { user, cookie: await sessionCookieFor(app.db, user) };
}

const save = (cookie: string, fields: Record<string, string>) =>
  run<ActionData>(() =>
    dashboardAction(args(formRequest("/dashboard/talent", fields, cookie), { role: "talent" })),
  );

describe("the headline a talent sets on their dashboard", () => {
  it("is saved trimmed, shown on the dashboard, and cleared when empty", async () => {
    const { user, cookie } = await talent();
    const saved = await save(cookie, { headline: "  Actor and dancer, Casablanca  " });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe("/dashboard/talent?headline=saved");
    expect((await reloadUser(app.db, user.id)).headline).toBe("Actor and dancer, Casablanca");

    const page = await run<{ talent: { headline: string } | null; headlineSaved: boolean }>(() =>
      dashboardLoader(
        args(getRequest("/dashboard/talent?headline=saved", cookie), { role: "talent" }),
      ),
    );
    expect(page.data?.talent?.headline).toBe("Actor and dancer, Casablanca");
    expect(page.data?.headlineSaved).toBe(true);

    expect((await save(cookie, { headline: "   " })).status).toBe(303);
    expect((await reloadUser(app.db, user.id)).headline).toBeNull();
  });

  it("accepts 140 characters and refuses 141 with a 400 and a field error, writing nothing", async () => {
    const { user, cookie } = await talent();
    expect((await save(cookie, { headline: "x".repeat(140) })).status).toBe(303);
    const tooLong = await save(cookie, { headline: "y".repeat(141) });
    expect(tooLong.status).toBe(400);
    expect(english(tooLong.data?.fieldErrors.headline)).toBe("Use at most 140 characters");
    expect(tooLong.data?.headline).toBe("y".repeat(141));
    expect((await reloadUser(app.db, user.id)).headline).toBe("x".repeat(140));
  });

  it("refuses line breaks, control, bidi and zero-width characters", async () => {
    const { user, cookie } = await talent();
    for (const headline of [
      "two\nlines",
      "tab\there",
      "nul\u0000",
      "flip \u202Etxet",
      "zero\u200Bwidth",
    ]) {
      const outcome = await save(cookie, { headline });
      expect(outcome.status).toBe(400);
      expect(english(outcome.data?.fieldErrors.headline)).toMatch(/single line of plain text/);
    }
    expect((await reloadUser(app.db, user.id)).headline).toBeNull();
  });

  it("answers 400 to a body that is not a form", async () => {
    const { cookie } = await talent();
    const request = new Request("http://localhost:3000/dashboard/talent", {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json" },
      body: JSON.stringify({ headline: "json" }),
    });
    const outcome = await run<ActionData>(() => dashboardAction(args(request, { role: "talent" })));
    expect(outcome.status).toBe(400);
    expect(english(outcome.data?.formError)).toMatch(/could not read the form/);
  });

  it("only talents have one: a professional's post is a 403, a visitor is sent to log in", async () => {
    const pro = await createUser(app.db, { role: "professional" });
    const cookie = await sessionCookieFor(app.db, pro);
    const outcome = await run(() =>
      dashboardAction(
        args(formRequest("/dashboard/professional", { headline: "hi" }, cookie), {
          role: "professional",
        }),
      ),
    );
    expect(outcome.status).toBe(403);
    expect((await reloadUser(app.db, pro.id)).headline).toBeNull();
    const visitor = await run(() =>
      dashboardAction(
        args(formRequest("/dashboard/talent", { headline: "hi" }), { role: "talent" }),
      ),
    );
    expect(visitor.status).toBe(302);
  });

  it("the database refuses a headline over 140 characters too", async () => {
    const { user } = await talent();
    await expect(
      app.db
        .updateTable("users")
        .set({ headline: "z".repeat(141) })
        .where("id", "=", user.id)
        .execute(),
    ).rejects.toThrow(/CHECK constraint|violates check constraint/);
    const users = (await app.db.introspection.getTables()).find((t) => t.name === "users");
    expect(users?.columns.map((c) => c.name)).toContain("headline");
  });
});
