import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/lib/env.server";

// Made at run time so no key-shaped literal sits in the repository.
const liveKey = () => `sk_live_${randomBytes(12).toString("hex")}`;
const webhookSecret = () => `whsec_${randomBytes(16).toString("hex")}`;

describe("billing configuration", () => {
  it("TRIAL_DAYS defaults to 180; 0 turns trials off; out-of-range values are refused by name", () => {
    expect(parseEnv({}).billing.trialDays).toBe(180);
    expect(parseEnv({ TRIAL_DAYS: "0" }).billing.trialDays).toBe(0);
    expect(() => parseEnv({ TRIAL_DAYS: "-1" })).toThrow(/TRIAL_DAYS/);
    expect(() => parseEnv({ TRIAL_DAYS: "731" })).toThrow(/TRIAL_DAYS/);
  });

  it("STRIPE_TEST_CLOCKS is off by default, on with the stand-in or a test key, refused with a live key", () => {
    expect(parseEnv({}).billing.testClocks).toBe(false);
    expect(parseEnv({ STRIPE_TEST_CLOCKS: "true" }).billing.testClocks).toBe(true);
    expect(
      parseEnv({
        STRIPE_TEST_CLOCKS: "true",
        STRIPE_SECRET_KEY: "sk_test_abcdef123456",
        STRIPE_WEBHOOK_SECRET: webhookSecret(),
      }).billing.testClocks,
    ).toBe(true);
    expect(() =>
      parseEnv({
        STRIPE_TEST_CLOCKS: "true",
        STRIPE_SECRET_KEY: liveKey(),
        STRIPE_WEBHOOK_SECRET: webhookSecret(),
      }),
    ).toThrow(/STRIPE_TEST_CLOCKS: test clocks exist only in test mode; refused with a live key/);
    expect(() => parseEnv({ STRIPE_TEST_CLOCKS: "yes" })).toThrow(/STRIPE_TEST_CLOCKS/);
  });
});
