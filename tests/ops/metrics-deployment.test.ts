import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { setupTestApp, type TestApp } from "../support/app";
import { args } from "../support/requests";

// /metrics on a deployment reachable from outside (an https APP_URL; the boot check there
// requires METRICS_TOKEN, tests/unit/env-security.test.ts): the route answers only a request
// carrying the token as a bearer token, even from this machine (decision 0020).

const TOKEN = randomBytes(32).toString("hex");

const APP_URL = "https://talents-acting.example";

describe("GET /metrics on an https deployment", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await setupTestApp({
      env: {
        APP_URL,
        SESSION_SECRET: randomBytes(32).toString("hex"),
        STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString("hex")}`,
        STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64url")}`,
        // Stripe's own API base, the only one accepted off localhost (nothing here calls it).
        STRIPE_API_BASE: undefined,
        PASSWORD_HASH_COST: "owasp",
        METRICS_TOKEN: TOKEN,
      },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  const scrape = (address: string, authorization?: string) =>
    metricsLoader(
      args(
        new Request(`${APP_URL}/metrics`, {
          headers: {
            [CLIENT_ADDRESS_HEADER]: address,
            ...(authorization ? { Authorization: authorization } : {}),
          },
        }),
      ),
    );

  it("refuses a scrape without the token, from this machine too, naming nothing of the data", async () => {
    for (const address of ["127.0.0.1", "::1", "203.0.113.7"]) {
      const refused = await scrape(address);
      expect(refused.status, address).toBe(401);
      expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer /);
      const body = await refused.text();
      expect(body).not.toContain("payments_total");
      expect(body).not.toContain(TOKEN);
    }
    expect((await scrape("203.0.113.7", `Bearer ${TOKEN.slice(1)}`)).status).toBe(401);
    expect((await scrape("203.0.113.7", `Basic ${TOKEN}`)).status).toBe(401);
  });

  it("answers the exposition to a scrape with the bearer token, from anywhere", async () => {
    const allowed = await scrape("203.0.113.7", `Bearer ${TOKEN}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("# TYPE payments_total counter");
  });
});
