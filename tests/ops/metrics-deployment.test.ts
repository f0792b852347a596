import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { MIN_METRICS_TOKEN_LENGTH, parseEnv } from "../../app/lib/env.server";
import { loader as metricsLoader } from "../../app/routes/metrics";
import { setupTestApp, type TestApp } from "../support/app";
import { args } from "../support/requests";

// /metrics on a deployment reachable from outside (an https APP_URL): the boot check refuses it
// without a long enough METRICS_TOKEN, and the route answers only a request carrying it as a
// bearer token, even from this machine (decision 0020).

const TOKEN = randomBytes(32).toString("hex");

/** A deployment reachable from outside; its secrets are made at run time. */
const DEPLOYMENT = {
  NODE_ENV: "production",
  APP_URL: "https://talents-acting.example",
  SESSION_SECRET: randomBytes(32).toString("hex"),
  STRIPE_SECRET_KEY: `sk_live_${randomBytes(16).toString("hex")}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64url")}`,
  POSTMARK_SERVER_TOKEN: randomBytes(16).toString("hex"),
  METRICS_TOKEN: TOKEN,
} as const;

function bootProblems(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("the boot check off localhost", () => {
  it("refuses a deployment without METRICS_TOKEN or with a short one, and boots with a long one", () => {
    expect(bootProblems(DEPLOYMENT)).toBe("");
    expect(bootProblems({ ...DEPLOYMENT, METRICS_TOKEN: undefined })).toContain("METRICS_TOKEN");
    expect(
      bootProblems({ ...DEPLOYMENT, METRICS_TOKEN: "m".repeat(MIN_METRICS_TOKEN_LENGTH - 1) }),
    ).toContain("METRICS_TOKEN");
  });
});

describe("GET /metrics on an https deployment", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await setupTestApp({
      env: {
        APP_URL: DEPLOYMENT.APP_URL,
        SESSION_SECRET: DEPLOYMENT.SESSION_SECRET,
        STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString("hex")}`,
        STRIPE_WEBHOOK_SECRET: DEPLOYMENT.STRIPE_WEBHOOK_SECRET,
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
        new Request(`${DEPLOYMENT.APP_URL}/metrics`, {
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
