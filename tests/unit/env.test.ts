import { describe, expect, it } from "vitest";
import { EMBEDDED_WEBHOOK_SECRET, parseEnv } from "~/lib/env.server";

describe("environment validation", () => {
  it("runs on embedded defaults with no variables at all", () => {
    const config = parseEnv({});
    expect(config.port).toBe(3000);
    expect(config.appUrl).toBe("http://localhost:3000");
    expect(config.databaseUrl).toBe("./data/app.db");
    expect(config.stripe.usesStandIn).toBe(true);
    expect(config.stripe.apiBase).toBe("http://127.0.0.1:12111");
    expect(config.stripe.secretKey).toMatch(/^sk_test_/);
    expect(config.stripe.webhookSecrets).toEqual([EMBEDDED_WEBHOOK_SECRET]);
    expect(config.postmark.serverToken).toBeUndefined();
  });

  it("falls back to USD pricing and upper-cases a configured currency", () => {
    expect(parseEnv({}).pricingCurrency).toBe("USD");
    expect(parseEnv({ PRICING_CURRENCY: "mad" }).pricingCurrency).toBe("MAD");
  });

  it("splits rotated secrets", () => {
    const config = parseEnv({
      SESSION_SECRET: "new, old",
      STRIPE_WEBHOOK_SECRET: "whsec_new,whsec_old",
    });
    expect(config.sessionSecrets).toEqual(["new", "old"]);
    expect(config.stripe.webhookSecrets).toEqual(["whsec_new", "whsec_old"]);
  });

  it("talks to Stripe itself when a test key is set", () => {
    const config = parseEnv({
      STRIPE_SECRET_KEY: "sk_test_abc123",
      STRIPE_WEBHOOK_SECRET: "whsec_x",
    });
    expect(config.stripe.usesStandIn).toBe(false);
    expect(config.stripe.apiBase).toBe("https://api.stripe.com");
  });

  it.each([
    [{ PORT: "http" }, "PORT"],
    [{ APP_URL: "not a url" }, "APP_URL"],
    [{ STRIPE_SECRET_KEY: "pk_test_123" }, "STRIPE_SECRET_KEY"],
    [{ STRIPE_WEBHOOK_SECRET: "secret" }, "STRIPE_WEBHOOK_SECRET"],
    [{ STRIPE_API_BASE: "localhost:12111" }, "STRIPE_API_BASE"],
    [{ PRICING_CURRENCY: "dirham" }, "PRICING_CURRENCY"],
    [{ STRIPE_SECRET_KEY: "sk_test_abc" }, "STRIPE_WEBHOOK_SECRET"],
    [{ APP_URL: "https://talents-acting.example" }, "SESSION_SECRET"],
    [
      {
        STRIPE_SECRET_KEY: "sk_live_abc",
        STRIPE_WEBHOOK_SECRET: "whsec_x",
        STRIPE_API_BASE: "http://127.0.0.1:12111",
      },
      "STRIPE_SECRET_KEY",
    ],
    [
      {
        PASSWORD_HASH_COST: "test",
        APP_URL: "https://talents-acting.example",
        SESSION_SECRET: "s",
      },
      "PASSWORD_HASH_COST",
    ],
  ])("refuses %o naming %s", (source, name) => {
    expect(() => parseEnv(source)).toThrow(new RegExp(`- ${name}:`));
  });

  it("names every bad variable at once", () => {
    expect(() => parseEnv({ PORT: "x", PRICING_CURRENCY: "dirham" })).toThrow(
      /PORT[\s\S]*PRICING_CURRENCY|PRICING_CURRENCY[\s\S]*PORT/,
    );
  });
});
