import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptedLanguage, getLanguage, languageCookie } from "../../app/i18n/i18next.server";
import { action as changeLanguage } from "../../app/routes/language";
import { loader as rootLoader } from "../../app/root";
import type { TestApp } from "../support/app";
import { setupTestApp, TEST_APP_URL } from "../support/app";
import { createUser, sessionCookieFor } from "../support/factories";
import { args, run } from "../support/requests";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

function page(headers: Record<string, string> = {}): Request {
  return new Request(`${TEST_APP_URL}/login`, { headers });
}

async function lngCookie(language: string): Promise<string> {
  return (await languageCookie().serialize(language)).split(";")[0]!;
}

function switchRequest(fields: Record<string, string>, cookie?: string, origin = TEST_APP_URL) {
  const headers = new Headers({
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: origin,
  });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`${TEST_APP_URL}/language`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields),
  });
}

describe("the language a page is answered in", () => {
  it("is French when nothing says otherwise", async () => {
    expect(await getLanguage(page())).toBe("fr");
  });

  it("follows the browser's Accept-Language, taking the first language the app speaks", async () => {
    expect(await getLanguage(page({ "Accept-Language": "en-US,en;q=0.9" }))).toBe("en");
    expect(await getLanguage(page({ "Accept-Language": "de-DE, en;q=0.5, fr;q=0.3" }))).toBe("en");
    expect(await getLanguage(page({ "Accept-Language": "en;q=0.2, fr-MA;q=0.8" }))).toBe("fr");
    expect(await getLanguage(page({ "Accept-Language": "en;q=0, de" }))).toBe("fr");
  });

  it("falls back to French, without an error, on unknown or malformed codes", async () => {
    expect(await getLanguage(page({ "Accept-Language": "ar-MA, zz" }))).toBe("fr");
    expect(await getLanguage(page({ "Accept-Language": ";;;,q=,*;q=abc" }))).toBe("fr");
    expect(await getLanguage(page({ Cookie: "lng=not-base64-json" }))).toBe("fr");
    expect(await getLanguage(page({ Cookie: await lngCookie("ar") }))).toBe("fr");
    expect(acceptedLanguage("x".repeat(10_000))).toBeNull();
  });

  it("prefers the switcher's cookie to the browser's languages", async () => {
    const cookie = await lngCookie("en");
    expect(await getLanguage(page({ Cookie: cookie, "Accept-Language": "fr" }))).toBe("en");
  });

  it("takes a signed-in member's saved language over the browser's, the cookie over both", async () => {
    const user = await createUser(app.db);
    await app.db.updateTable("users").set({ locale: "en" }).where("id", "=", user.id).execute();
    const session = await sessionCookieFor(app.db, user);
    expect(await getLanguage(page({ Cookie: session, "Accept-Language": "fr" }))).toBe("en");
    const both = `${session}; ${await lngCookie("fr")}`;
    expect(await getLanguage(page({ Cookie: both, "Accept-Language": "en" }))).toBe("fr");
  });

  it("reaches the document through the root loader", async () => {
    const outcome = await run<{ locale: string }>(() =>
      rootLoader(args(page({ "Accept-Language": "en-GB" }))),
    );
    expect(outcome.data?.locale).toBe("en");
  });
});

describe("the language switcher (POST /language)", () => {
  it("keeps the choice in a cookie and goes back to the page", async () => {
    const outcome = await run(() =>
      changeLanguage(args(switchRequest({ lng: "en", redirectTo: "/talents?q=x" }))),
    );
    expect(outcome.status).toBe(303);
    expect(outcome.headers.get("Location")).toBe("/talents?q=x");
    const setCookie = outcome.headers.get("Set-Cookie") ?? "";
    expect(await languageCookie().parse(setCookie.split(";")[0]!)).toBe("en");
    expect(setCookie).toMatch(/Max-Age=31536000/);
  });

  it("saves a signed-in member's choice on the account", async () => {
    const user = await createUser(app.db);
    const session = await sessionCookieFor(app.db, user);
    await run(() => changeLanguage(args(switchRequest({ lng: "en", redirectTo: "/" }, session))));
    const saved = await app.db
      .selectFrom("users")
      .select("locale")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(saved.locale).toBe("en");
    // A new browser (no cookie) of the same member gets the saved language.
    expect(await getLanguage(page({ Cookie: session }))).toBe("en");
  });

  it("ignores an unknown code: no cookie, no change, back to the page", async () => {
    const user = await createUser(app.db);
    await app.db.updateTable("users").set({ locale: "fr" }).where("id", "=", user.id).execute();
    const session = await sessionCookieFor(app.db, user);
    const outcome = await run(() =>
      changeLanguage(args(switchRequest({ lng: "ar", redirectTo: "/login" }, session))),
    );
    expect(outcome.status).toBe(303);
    expect(outcome.headers.get("Location")).toBe("/login");
    expect(outcome.headers.get("Set-Cookie")).toBeNull();
    const saved = await app.db
      .selectFrom("users")
      .select("locale")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(saved.locale).toBe("fr");
  });

  it("never sends the member to another site", async () => {
    const outcome = await run(() =>
      changeLanguage(args(switchRequest({ lng: "fr", redirectTo: "//evil.example/" }))),
    );
    expect(outcome.headers.get("Location")).toBe("/");
  });

  it("refuses a cross-site POST and changes nothing", async () => {
    const outcome = await run(() =>
      changeLanguage(args(switchRequest({ lng: "en" }, undefined, "https://evil.example"))),
    );
    expect(outcome.status).toBe(403);
    expect(outcome.headers.get("Set-Cookie")).toBeNull();
  });
});
