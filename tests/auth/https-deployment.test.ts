// The app as configured for a deployment reachable from outside (an https APP_URL, real-looking
// secrets), in its own process: cookies, headers and developer tools there.
import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applySecurityHeaders, createNonce } from "../../app/lib/security-headers.server";
import { getSessionUser, sessionCookie } from "../../app/lib/session.server";
import * as mailbox from "../../app/routes/dev.mailbox";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, sessionCookieFor } from "../support/factories";
import { loopbackGetRequest } from "../support/loopback";
import { args } from "../support/requests";

// Made at run time: a secret written in the repository is published, and refused off localhost.
const NEW_SECRET = randomBytes(24).toString("hex");
const OLD_SECRET = randomBytes(24).toString("hex");

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp({
    env: {
      APP_URL: "https://talents-acting.example",
      SESSION_SECRET: `${NEW_SECRET},${OLD_SECRET}`,
      STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString("hex")}`,
      STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64url")}`,
      PASSWORD_HASH_COST: "owasp",
      // Stripe's own API base, the only one accepted off localhost (nothing here calls it).
      STRIPE_API_BASE: undefined,
      METRICS_TOKEN: randomBytes(32).toString("hex"),
    },
  });
});
afterAll(async () => {
  await app.close();
});

describe("an https deployment", () => {
  it("marks the session cookie Secure", async () => {
    const user = await createUser(app.db);
    const setCookie = await sessionCookie().serialize("some-session-id");
    expect(setCookie).toMatch(/; Secure/);
    expect(await sessionCookieFor(app.db, user)).toMatch(/^__session=/);
  });

  it("still accepts a cookie signed with the previous secret after a rotation, and signs with the new one", async () => {
    const user = await createUser(app.db);
    const fresh = await sessionCookieFor(app.db, user);
    const id = (await sessionCookie().parse(fresh)) as string;
    const signedWithOld = await createCookie("__session", { secrets: [OLD_SECRET] }).serialize(id);
    const signedWithUnknown = await createCookie("__session", {
      secrets: [randomBytes(24).toString("hex")],
    }).serialize(id);
    const request = (cookie: string) =>
      new Request("https://talents-acting.example/", {
        headers: { Cookie: cookie.split(";")[0] ?? "" },
      });

    expect((await getSessionUser(app.db, request(signedWithOld)))?.id).toBe(user.id);
    expect(await getSessionUser(app.db, request(signedWithUnknown))).toBeNull();
    const onlyNew = createCookie("__session", { secrets: [NEW_SECRET] });
    expect(await onlyNew.parse(fresh)).toBe(id);
  });

  it("sends Strict-Transport-Security and the other security headers", () => {
    const headers = new Headers();
    applySecurityHeaders(headers, new Request("https://talents-acting.example/"), createNonce());
    expect(headers.get("Strict-Transport-Security")).toMatch(/max-age=\d{7,}/);
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    // Real Stripe: checkout forms lead to Stripe's hosted pages.
    expect(headers.get("Content-Security-Policy")).toContain(
      "form-action 'self' https://checkout.stripe.com",
    );
  });

  it("answers 404 on /dev/mailbox even to a loopback client", async () => {
    const response = await mailbox.loader(
      args(loopbackGetRequest("/dev/mailbox?format=json", "127.0.0.1", "http://localhost:3000")),
    );
    expect(response.status).toBe(404);
  });
});
