import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  EMBEDDED_STRIPE_KEY,
  isLoopbackHost,
  isLowEntropy,
  MIN_METRICS_TOKEN_LENGTH,
  parseEnv,
  PUBLISHED_SECRETS,
} from "~/lib/env.server";

// What a real deployment reachable from outside looks like. Its secrets are made at run time:
// any secret written in this repository is published, and the boot check refuses those.
const PRODUCTION = {
  NODE_ENV: "production",
  APP_URL: "https://talents-acting.example",
  SESSION_SECRET: randomBytes(32).toString("hex"),
  STRIPE_SECRET_KEY: `sk_live_${randomBytes(16).toString("hex")}`,
  STRIPE_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64url")}`,
  POSTMARK_SERVER_TOKEN: randomBytes(16).toString("hex"),
  METRICS_TOKEN: randomBytes(32).toString("hex"),
} as const;

function problemsOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** KEY=value lines of a dotenv file. */
function dotenv(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) values[match[1]] = match[2] ?? "";
  }
  return values;
}

describe("boot check of a deployment reachable from outside", () => {
  it("boots with real secrets, keys and a Postmark token", () => {
    const config = parseEnv(PRODUCTION);
    expect(config.isLocal).toBe(false);
    expect(config.stripe.usesStandIn).toBe(false);
  });

  it("refuses .env.example as npm start copies it, naming each variable and how to make a real secret", () => {
    const message = problemsOf({
      ...dotenv(".env.example"),
      NODE_ENV: "production",
      APP_URL: "https://talents-acting.example",
      POSTMARK_SERVER_TOKEN: "t",
    });
    expect(message).toMatch(/- SESSION_SECRET: a value published in this repository/);
    expect(message).toMatch(/- STRIPE_SECRET_KEY: the embedded Stripe stand-in is refused/);
    expect(message).toMatch(/- STRIPE_WEBHOOK_SECRET: a value published in this repository/);
    expect(message).toContain("openssl rand -hex 32");
  });

  it("refuses .env.example's secrets even beside a real live key", () => {
    const example = dotenv(".env.example");
    const message = problemsOf({
      ...PRODUCTION,
      SESSION_SECRET: example.SESSION_SECRET,
      STRIPE_WEBHOOK_SECRET: example.STRIPE_WEBHOOK_SECRET,
    });
    expect(message).toMatch(/- SESSION_SECRET:/);
    expect(message).toMatch(/- STRIPE_WEBHOOK_SECRET:/);
    expect(message).not.toMatch(/- STRIPE_SECRET_KEY:/);
  });

  it("refuses every webhook and session secret written anywhere in the repository", () => {
    const files = execFileSync("git", ["ls-files"], { encoding: "utf8" })
      .split("\n")
      .filter((f) => /\.(ts|tsx|md|json|example|js)$/.test(f) && !f.endsWith("package-lock.json"));
    const webhookSecrets = new Set<string>();
    const sessionSecrets = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/whsec_[A-Za-z0-9_]+/g)) webhookSecrets.add(m[0]);
      for (const m of text.matchAll(/SESSION_SECRET["']?\s*[:=]\s*["']?([^"'\s,]+)/g))
        if (m[1]) sessionSecrets.add(m[1]);
    }
    expect(webhookSecrets.size).toBeGreaterThan(5);
    expect(sessionSecrets.size).toBeGreaterThan(1);
    for (const secret of webhookSecrets) {
      expect(problemsOf({ ...PRODUCTION, STRIPE_WEBHOOK_SECRET: secret }), secret).toMatch(
        /- STRIPE_WEBHOOK_SECRET:/,
      );
    }
    for (const secret of sessionSecrets) {
      expect(problemsOf({ ...PRODUCTION, SESSION_SECRET: secret }), secret).toMatch(
        /- SESSION_SECRET:/,
      );
    }
  });

  it.each([
    [
      "a session secret shorter than 32 characters",
      { SESSION_SECRET: "x".repeat(31) },
      "SESSION_SECRET",
    ],
    [
      "a short one among rotated secrets",
      { SESSION_SECRET: `${"a".repeat(40)},short` },
      "SESSION_SECRET",
    ],
    ["no session secret", { SESSION_SECRET: undefined }, "SESSION_SECRET"],
    [
      "a webhook secret that is not whsec_",
      { STRIPE_WEBHOOK_SECRET: PRODUCTION.STRIPE_WEBHOOK_SECRET.slice("whsec_".length) },
      "STRIPE_WEBHOOK_SECRET",
    ],
    ["a made-up short whsec_", { STRIPE_WEBHOOK_SECRET: "whsec_x" }, "STRIPE_WEBHOOK_SECRET"],
    ["no webhook secret", { STRIPE_WEBHOOK_SECRET: undefined }, "STRIPE_WEBHOOK_SECRET"],
    ["the stand-in (no Stripe key)", { STRIPE_SECRET_KEY: undefined }, "STRIPE_SECRET_KEY"],
    [
      "the stand-in's embedded key",
      { STRIPE_SECRET_KEY: EMBEDDED_STRIPE_KEY },
      "STRIPE_SECRET_KEY",
    ],
    [
      "no Postmark token in production",
      { POSTMARK_SERVER_TOKEN: undefined },
      "POSTMARK_SERVER_TOKEN",
    ],
    ["the cheap test hash cost", { PASSWORD_HASH_COST: "test" }, "PASSWORD_HASH_COST"],
    ["an http:// public APP_URL", { APP_URL: "http://talents-acting.example" }, "APP_URL"],
    ["an http:// public IP APP_URL", { APP_URL: "http://203.0.113.7:3000" }, "APP_URL"],
    [
      "the stand-in's API base with a real key",
      { STRIPE_API_BASE: "http://127.0.0.1:12111" },
      "STRIPE_API_BASE",
    ],
    [
      "an API base that only starts like Stripe's",
      { STRIPE_API_BASE: "https://api.stripe.com.evil.example" },
      "STRIPE_API_BASE",
    ],
    ["Stripe's host over http", { STRIPE_API_BASE: "http://api.stripe.com" }, "STRIPE_API_BASE"],
    ["a session secret of 32 x 'a'", { SESSION_SECRET: "a".repeat(32) }, "SESSION_SECRET"],
    [
      "a session secret repeating a word",
      { SESSION_SECRET: "changeme".repeat(4) },
      "SESSION_SECRET",
    ],
    [
      "a session secret of two characters",
      { SESSION_SECRET: "ab".repeat(16) + "abba" },
      "SESSION_SECRET",
    ],
    [
      "a low-entropy secret among rotated ones",
      { SESSION_SECRET: `${PRODUCTION.SESSION_SECRET},${"0123456789".repeat(4)}` },
      "SESSION_SECRET",
    ],
    [
      "a webhook secret of whsec_ and 32 x 'a'",
      { STRIPE_WEBHOOK_SECRET: `whsec_${"a".repeat(32)}` },
      "STRIPE_WEBHOOK_SECRET",
    ],
    [
      "a webhook secret of one digit and letter pattern",
      { STRIPE_WEBHOOK_SECRET: `whsec_${"1a".repeat(16)}` },
      "STRIPE_WEBHOOK_SECRET",
    ],
  ])("refuses %s, naming the variable", (_label, change, name) => {
    const message = problemsOf({ ...PRODUCTION, ...change });
    expect(message).toMatch(new RegExp(`- ${name}:`));
  });

  it("accepts a test-mode key on a public https URL (staging), and says to show the banner", () => {
    const staging = parseEnv({
      ...PRODUCTION,
      STRIPE_SECRET_KEY: `sk_test_${randomBytes(16).toString("hex")}`,
      STRIPE_API_BASE: "https://api.stripe.com/",
    });
    expect(staging.showTestModeBanner).toBe(true);
    expect(staging.stripe.apiBase).toBe("https://api.stripe.com");
    expect(parseEnv(PRODUCTION).showTestModeBanner).toBe(false);
    expect(parseEnv({}).showTestModeBanner).toBe(false);
  });

  it("accepts generated secrets: 200 of `openssl rand -hex 16` and of Stripe's whsec_ shape", () => {
    for (let i = 0; i < 200; i++) {
      expect(isLowEntropy(randomBytes(16).toString("hex"))).toBe(false);
      expect(isLowEntropy(randomBytes(24).toString("base64url"))).toBe(false);
    }
  });

  it("applies the same refusals off localhost without NODE_ENV=production", () => {
    const message = problemsOf({
      ...PRODUCTION,
      NODE_ENV: undefined,
      SESSION_SECRET: "short",
      STRIPE_SECRET_KEY: undefined,
    });
    expect(message).toMatch(/- SESSION_SECRET:/);
    expect(message).toMatch(/- STRIPE_SECRET_KEY:/);
    // Postmark is only required in production: elsewhere emails may stay in the outbox.
    expect(
      problemsOf({ ...PRODUCTION, NODE_ENV: undefined, POSTMARK_SERVER_TOKEN: undefined }),
    ).toBe("");
  });

  it("refuses a deployment without METRICS_TOKEN or with one shorter than the minimum", () => {
    expect(problemsOf({ ...PRODUCTION, METRICS_TOKEN: undefined })).toMatch(/- METRICS_TOKEN:/);
    expect(
      problemsOf({ ...PRODUCTION, METRICS_TOKEN: "m".repeat(MIN_METRICS_TOKEN_LENGTH - 1) }),
    ).toMatch(/- METRICS_TOKEN:/);
  });

  it("keeps the local defaults working on a loopback APP_URL, also in production mode", () => {
    for (const appUrl of ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"]) {
      const config = parseEnv({
        ...dotenv(".env.example"),
        NODE_ENV: "production",
        APP_URL: appUrl,
      });
      expect(config.isLocal).toBe(true);
      expect(config.stripe.usesStandIn).toBe(true);
    }
  });

  it("lists the embedded defaults among the published secrets", () => {
    const example = dotenv(".env.example");
    expect(PUBLISHED_SECRETS.has(example.SESSION_SECRET ?? "")).toBe(true);
    expect(PUBLISHED_SECRETS.has(example.STRIPE_WEBHOOK_SECRET ?? "")).toBe(true);
    expect(parseEnv({}).sessionSecrets.every((s) => PUBLISHED_SECRETS.has(s))).toBe(true);
    expect(parseEnv({}).stripe.webhookSecrets.every((s) => PUBLISHED_SECRETS.has(s))).toBe(true);
  });
});

describe("other environment rules", () => {
  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
    [undefined, false],
  ])("TRUST_PROXY=%s reads as %s", (value, expected) => {
    expect(parseEnv({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it.each(["yes", "TRUE ", "on", "2"])("refuses TRUST_PROXY=%s", (value) => {
    expect(problemsOf({ TRUST_PROXY: value })).toMatch(/TRUST_PROXY/);
  });

  it.each(["sk_live_abc", "rk_live_abc"])(
    "refuses the live key %s with a non-Stripe API base",
    (key) => {
      expect(
        problemsOf({
          STRIPE_SECRET_KEY: key,
          STRIPE_WEBHOOK_SECRET: "whsec_x",
          STRIPE_API_BASE: "http://127.0.0.1:12111",
        }),
      ).toMatch(/- STRIPE_SECRET_KEY: a live key is refused/);
      expect(
        parseEnv({ STRIPE_SECRET_KEY: key, STRIPE_WEBHOOK_SECRET: "whsec_x" }).stripe.isLiveKey,
      ).toBe(true);
    },
  );

  it("knows loopback hosts", () => {
    for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]", "::1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      "talents-acting.example",
      "localhost.example",
      "10.0.0.1",
      "128.0.0.1",
      "[::2]",
      "0.0.0.0",
      "127.0.0.1.nip.io",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
