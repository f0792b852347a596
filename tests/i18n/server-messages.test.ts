import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renewableFrom } from "../../app/payments/checkout.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, sessionCookieFor } from "../support/factories";
import { english, french } from "../support/messages";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";

// The messages a member's form is answered with (catalog keys on the server) reach the page in
// the reader's language: posted to the production build with ?lng=fr, or an English browser
// (Accept-Language) with ?lng=en and the other way round, the page shows the catalog's words,
// dates formatted for that language, and no key raw.

let app: TestApp;
let server: ServerProcess;
let takenEmail = "";
let talentCookie = "";
let accessUntil = "";

beforeAll(async () => {
  await buildApp();
  app = await setupTestApp();
  takenEmail = (await createUser(app.db, { role: "talent" })).email;
  accessUntil = daysFromNow(200);
  const talent = await createUser(app.db, {
    role: "talent",
    subscription_status: "ACTIVE",
    access_expires_at: accessUntil,
  });
  talentCookie = await sessionCookieFor(app.db, talent);
  server = await startServerProcess({ LOG_LEVEL: "info" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await app?.close();
}, 60_000);

/** Posts `body` to `path` as a same-origin form of a browser speaking `browser`. */
async function post(
  path: string,
  query: string,
  browser: "fr" | "en",
  body: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; html: string }> {
  const response = await fetch(`${server.url}${path}?${query}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: server.url,
      "Sec-Fetch-Site": "same-origin",
      "Accept-Language": browser === "fr" ? "fr-MA,fr;q=0.9" : "en-US,en;q=0.9",
      ...extra,
    },
    body,
    redirect: "manual",
  });
  // The page as a reader sees it: the scripts (the serialized action data holds the key) left out.
  const html = (await response.text()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
  return { status: response.status, html };
}

/** The page's text as React writes it (an apostrophe is escaped). */
function inPage(text: string): string {
  return text.replace(/'/g, "&#x27;");
}

const registration = (email: string) =>
  new URLSearchParams({
    name: "Nadia Test",
    email,
    password: "a sturdy passphrase 42",
    role: "talent",
  }).toString();

describe("server messages in the reader's language", () => {
  it("a common password at registration: the policy's words in the language asked", async () => {
    const weak = (email: string) =>
      new URLSearchParams({ name: "Nadia Test", email, password: "1234567890", role: "talent" });
    const fr = await post("/register", "lng=fr", "en", weak("weak-fr@example.test").toString());
    expect(fr.status).toBe(400);
    expect(fr.html).toContain(inPage(french("auth:errors.passwordTooCommon")));
    expect(fr.html).not.toContain("auth:errors.");
    const en = await post("/register", "lng=en", "fr", weak("weak-en@example.test").toString());
    expect(en.status).toBe(400);
    expect(en.html).toContain(inPage(english("auth:errors.passwordTooCommon")));
  });

  it("a taken email at registration: French with ?lng=fr, English with ?lng=en", async () => {
    const fr = await post("/register", "lng=fr", "en", registration(takenEmail.toUpperCase()));
    expect(fr.status).toBe(400);
    expect(fr.html).toContain(inPage(french("auth:errors.emailTaken")));
    expect(french("auth:errors.emailTaken")).toBe(
      "Un compte existe d\u00e9j\u00e0 avec cet e-mail",
    );
    expect(fr.html).not.toContain("auth:errors");

    const en = await post("/register", "lng=en", "fr", registration(takenEmail));
    expect(en.status).toBe(400);
    expect(en.html).toContain("An account with this email already exists");
    expect(en.html).not.toContain("auth:errors");
    expect(
      await app.db.selectFrom("users").select("id").where("email", "=", takenEmail).execute(),
    ).toHaveLength(1);
  });

  it("a body that is not a form: the 400 page says so in the browser's language", async () => {
    const json = { "Content-Type": "application/json" };
    const fr = await post("/register", "x=1", "fr", "{}", json);
    expect(fr.status).toBe(400);
    expect(fr.html).toContain(inPage(french("common:messages.unreadableForm")));
    expect(fr.html).toContain("Nous n\u2019avons pas pu lire le formulaire");

    const en = await post("/register", "x=1", "en", "{}", json);
    expect(en.status).toBe(400);
    expect(en.html).toContain("We could not read the form.");
  });

  it("checkout refused while access runs: the dates are written as each language writes them", async () => {
    const message = {
      key: "payment:errors.accessActive",
      values: { until: accessUntil, from: renewableFrom(accessUntil).toISOString() },
    };
    const cookie = { Cookie: talentCookie };
    const fr = await post("/dashboard/talent/payment", "lng=fr", "en", "plan=once", cookie);
    expect(fr.status).toBe(409);
    expect(french(message)).toMatch(/^Votre acc\u00e8s est actif jusqu\u2019au \d{1,2} \S+ \d{4}/);
    expect(fr.html).toContain(inPage(french(message)));

    const en = await post("/dashboard/talent/payment", "lng=en", "fr", "plan=once", cookie);
    expect(en.status).toBe(409);
    expect(english(message)).toMatch(/^Your access is active until \d{1,2} [A-Z][a-z]+ \d{4}; /);
    expect(en.html).toContain(inPage(english(message)));
  });

  it("the Stripe call limit names the wait in the reader's language", () => {
    const message = {
      key: "common:messages.stripeCallsLimited",
      values: { retryAfterSeconds: 90 },
    };
    expect(french(message)).toMatch(/R\u00e9essayez dans environ 2 minutes\.$/);
    expect(english(message)).toMatch(/Please try again in about 2 minutes\.$/);
    const soon = { ...message, values: { retryAfterSeconds: 1 } };
    expect(english(soon)).toMatch(/Please try again in 1 second\.$/);
  });
});
