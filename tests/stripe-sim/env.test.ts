import { describe, expect, it } from "vitest";
import { optionsFromEnv } from "../../stripe-sim/env.js";

describe("stripe-sim configuration from the environment", () => {
  it("defaults to port 12111, ./data/stripe-sim.db and forwarding to the app's webhook route", () => {
    expect(optionsFromEnv({})).toEqual({
      port: 12111,
      host: "127.0.0.1",
      dbPath: "./data/stripe-sim.db",
      forwardTo: "http://localhost:3000/api/webhooks/stripe",
      webhookSecret: "whsec_stripe_sim_local_default_secret",
      delivery: {},
    });
    expect(optionsFromEnv({ APP_URL: "http://127.0.0.1:4000/" }).forwardTo).toBe(
      "http://127.0.0.1:4000/api/webhooks/stripe",
    );
  });

  it("treats blank values as unset: the defaults apply", () => {
    expect(
      optionsFromEnv({ STRIPE_SIM_PORT: " ", STRIPE_SIM_DB: "", STRIPE_SIM_SHUFFLE: "" }),
    ).toEqual(optionsFromEnv({}));
  });

  it("reads every knob, 'none' disables forwarding, and the first of several secrets signs", () => {
    const options = optionsFromEnv({
      STRIPE_SIM_PORT: "0",
      STRIPE_SIM_HOST: "::1",
      STRIPE_SIM_DB: "/tmp/x.db",
      STRIPE_SIM_FORWARD_TO: "none",
      STRIPE_WEBHOOK_SECRET: "whsec_new, whsec_old",
      STRIPE_SIM_DUPLICATES: "2",
      STRIPE_SIM_SHUFFLE: "true",
      STRIPE_SIM_DELAY_MS: "100",
      STRIPE_SIM_RETRY_BASE_MS: "50",
      STRIPE_SIM_MAX_ATTEMPTS: "4",
      STRIPE_SIM_TIMEOUT_MS: "3000",
    });
    expect(options).toEqual({
      port: 0,
      host: "::1",
      dbPath: "/tmp/x.db",
      forwardTo: null,
      webhookSecret: "whsec_new",
      delivery: {
        duplicates: 2,
        shuffle: true,
        delayMs: 100,
        retryBaseMs: 50,
        maxAttempts: 4,
        timeoutMs: 3000,
      },
    });
  });

  it("names a malformed variable instead of guessing", () => {
    expect(() => optionsFromEnv({ STRIPE_SIM_DUPLICATES: "lots" })).toThrow(
      /STRIPE_SIM_DUPLICATES/,
    );
    expect(() => optionsFromEnv({ STRIPE_SIM_SHUFFLE: "maybe" })).toThrow(/STRIPE_SIM_SHUFFLE/);
    expect(() => optionsFromEnv({ STRIPE_SIM_PORT: "70000" })).toThrow(/STRIPE_SIM_PORT/);
    expect(() => optionsFromEnv({ STRIPE_SIM_HOST: "a b" })).toThrow(/STRIPE_SIM_HOST/);
    expect(() => optionsFromEnv({ STRIPE_SIM_FORWARD_TO: "nowhere" })).toThrow(
      /STRIPE_SIM_FORWARD_TO/,
    );
    expect(() => optionsFromEnv({ STRIPE_SIM_AFTER_FAILED_RETRIES: "pause" })).toThrow(
      /STRIPE_SIM_AFTER_FAILED_RETRIES/,
    );
    // Every malformed variable is named at once.
    expect(() =>
      optionsFromEnv({ STRIPE_SIM_DUPLICATES: "lots", STRIPE_SIM_TIMEOUT_MS: "-1" }),
    ).toThrow(/STRIPE_SIM_DUPLICATES.*STRIPE_SIM_TIMEOUT_MS/);
  });
});
