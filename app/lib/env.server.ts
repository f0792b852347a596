import { z } from "zod";
import {
  DEFAULT_DB_PATH as STAND_IN_DB_PATH,
  DEFAULT_PORT as STAND_IN_PORT,
  DEFAULT_WEBHOOK_SECRET as STAND_IN_WEBHOOK_SECRET,
} from "../../stripe-sim/options";

/** The signing secret the embedded Stripe stand-in uses when none is configured (its default). */
export const EMBEDDED_WEBHOOK_SECRET = STAND_IN_WEBHOOK_SECRET;
/** Any sk_test_ key works against the stand-in; this one marks the embedded default. */
export const EMBEDDED_STRIPE_KEY = "sk_test_stripe_sim_embedded";
export const DEFAULT_STRIPE_SIM_PORT = STAND_IN_PORT;
const EMBEDDED_SESSION_SECRET = "embedded-dev-session-secret-not-for-production";
const REAL_STRIPE_API_BASE = "https://api.stripe.com";
const ENV_EXAMPLE_SESSION_SECRET = "local-session-secret-change-me-in-production";

/**
 * Secrets anyone can read in this repository (.env.example, code defaults, the test and bench
 * configurations). A deployment reachable from outside refuses to run with any of them: with a
 * published webhook secret anyone could sign a paid checkout event.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  EMBEDDED_WEBHOOK_SECRET,
  EMBEDDED_STRIPE_KEY,
  EMBEDDED_SESSION_SECRET,
  ENV_EXAMPLE_SESSION_SECRET,
]);

export const MIN_SESSION_SECRET_LENGTH = 32;
export const MIN_METRICS_TOKEN_LENGTH = 32;
/** Stripe's signing secrets are whsec_ and 32 or more characters; shorter ones are made up. */
const MIN_WEBHOOK_SECRET_BODY = 24;
const MAKE_ONE = "make one with `openssl rand -hex 32`";

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const commaList = (prefix: string, name: string) =>
  optional.refine(
    (v) => v === undefined || v.split(",").every((s) => s.trim().startsWith(prefix)),
    {
      message: `${name} must be one or more comma-separated values starting with ${prefix}`,
    },
  );

const rawSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  APP_URL: optional.refine((v) => v === undefined || URL.canParse(v), {
    message: "APP_URL must be an absolute URL",
  }),
  DATABASE_URL: optional,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  SESSION_SECRET: optional,
  STRIPE_SECRET_KEY: optional.refine(
    (v) => v === undefined || /^(sk|rk)_(test|live)_\w+$/.test(v),
    {
      message: "STRIPE_SECRET_KEY must look like sk_test_... or sk_live_...",
    },
  ),
  STRIPE_PUBLISHABLE_KEY: optional.refine(
    (v) => v === undefined || /^pk_(test|live)_\w+$/.test(v),
    {
      message: "STRIPE_PUBLISHABLE_KEY must look like pk_test_... or pk_live_...",
    },
  ),
  STRIPE_WEBHOOK_SECRET: commaList("whsec_", "STRIPE_WEBHOOK_SECRET"),
  STRIPE_API_BASE: optional.refine((v) => v === undefined || /^https?:\/\/[^/]+\/?$/.test(v), {
    message: "STRIPE_API_BASE must be an origin such as http://127.0.0.1:12111",
  }),
  STRIPE_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_STRIPE_SIM_PORT),
  STRIPE_SIM_DB: optional,
  POSTMARK_SERVER_TOKEN: optional,
  POSTMARK_API_BASE: optional.refine((v) => v === undefined || /^https?:\/\/[^/]+\/?$/.test(v), {
    message: "POSTMARK_API_BASE must be an origin such as https://api.postmarkapp.com",
  }),
  POSTMARK_MESSAGE_STREAM: z.string().min(1).default("outbound"),
  EMAIL_FROM: z.string().min(3).default("Talents Acting <no-reply@talents-acting.local>"),
  PRICING_CURRENCY: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "PRICING_CURRENCY must be a three-letter ISO 4217 code such as MAD")
    .default("USD"),
  PASSWORD_HASH_COST: z.enum(["owasp", "test"]).default("owasp"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  TRUST_PROXY: z.enum(["true", "false", "1", "0"]).default("false"),
  STAFF_EMAIL: optional.refine((v) => v === undefined || /^[^\s@]+@[^\s@]+$/.test(v), {
    message: "STAFF_EMAIL must be an email address",
  }),
  RENEWAL_NOTICE_DAYS: z.coerce
    .number()
    .int("RENEWAL_NOTICE_DAYS must be a whole number of days")
    .min(1, "RENEWAL_NOTICE_DAYS must be 1 or more")
    .max(60, "RENEWAL_NOTICE_DAYS must be 60 or less")
    .default(7),
  TRIAL_DAYS: z.coerce
    .number()
    .int()
    .min(0, "TRIAL_DAYS must be 0 (no trial) or more")
    .max(730, "Stripe allows trials of at most 730 days")
    .default(180),
  STRIPE_TEST_CLOCKS: z.enum(["true", "false", "1", "0"]).default("false"),
  METRICS_TOKEN: optional,
  /** the app's clock can be moved through /test/clock (browser tests; localhost only) */
  APP_TEST_CLOCK: z.enum(["true", "false", "1", "0", ""]).default("false"),
});

export type Env = ReturnType<typeof parseEnv>;

/** True for localhost, 127.0.0.0/8 and ::1: addresses only this machine can reach. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function isLocalUrl(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Secrets reachable from outside must measure at least this much (see isLowEntropy). */
export const MIN_SECRET_ENTROPY_BITS = 80;
const MIN_SECRET_DISTINCT_CHARACTERS = 6;

/**
 * True for a secret a person typed rather than a generator made: one short unit repeated
 * ("changeme" x 4), fewer than 6 distinct characters, or under MIN_SECRET_ENTROPY_BITS as
 * measured by its character frequencies (length x Shannon entropy per character). 32 x "a"
 * measures 0 bits; a random 32-character hex string at least 90 (`openssl rand -hex 32`, 64
 * characters, about 240). A made-up phrase can still pass: this catches placeholders, not
 * every weak choice.
 */
export function isLowEntropy(secret: string): boolean {
  const characters = [...secret];
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  const repeated = /^(.{1,}?)\1+$/su.test(secret);
  return (
    repeated ||
    counts.size < MIN_SECRET_DISTINCT_CHARACTERS ||
    bitsPerCharacter * characters.length < MIN_SECRET_ENTROPY_BITS
  );
}

/**
 * What a deployment reachable from outside (APP_URL not a loopback address) must not run with:
 * published or weak secrets, and the embedded stand-in, whose webhooks anyone can sign.
 */
function exposedDeploymentProblems(raw: z.output<typeof rawSchema>, appUrl: string): string[] {
  const problems: string[] = [];
  if (new URL(appUrl).protocol !== "https:") {
    problems.push(
      "- APP_URL: a public APP_URL must be https:// (over http the session cookie would travel in the clear, without Secure)",
    );
  }
  if (
    raw.STRIPE_API_BASE !== undefined &&
    raw.STRIPE_API_BASE.replace(/\/$/, "") !== REAL_STRIPE_API_BASE
  ) {
    problems.push(
      `- STRIPE_API_BASE: only ${REAL_STRIPE_API_BASE} is accepted outside localhost (leave it empty); another base would receive the secret key and answer for Stripe`,
    );
  }
  const sessionSecrets = splitList(raw.SESSION_SECRET);
  if (sessionSecrets.length === 0) {
    problems.push(
      `- SESSION_SECRET: required when APP_URL is not a localhost address; ${MAKE_ONE}`,
    );
  } else if (sessionSecrets.some((s) => PUBLISHED_SECRETS.has(s))) {
    problems.push(
      `- SESSION_SECRET: a value published in this repository is refused outside localhost; ${MAKE_ONE}`,
    );
  } else if (sessionSecrets.some((s) => s.length < MIN_SESSION_SECRET_LENGTH)) {
    problems.push(
      `- SESSION_SECRET: each secret needs at least ${MIN_SESSION_SECRET_LENGTH} characters outside localhost; ${MAKE_ONE}`,
    );
  } else if (sessionSecrets.some(isLowEntropy)) {
    problems.push(
      `- SESSION_SECRET: a secret is too predictable (a repeated unit, few distinct characters or under ${MIN_SECRET_ENTROPY_BITS} bits); ${MAKE_ONE}`,
    );
  }
  if (raw.STRIPE_SECRET_KEY === undefined || PUBLISHED_SECRETS.has(raw.STRIPE_SECRET_KEY)) {
    problems.push(
      "- STRIPE_SECRET_KEY: the embedded Stripe stand-in is refused outside localhost (anyone could sign its webhooks); " +
        "set your sk_test_ or sk_live_ key from the Stripe dashboard",
    );
  }
  const webhookSecrets = splitList(raw.STRIPE_WEBHOOK_SECRET);
  const howToGetWebhookSecret =
    "use the whsec_ signing secret Stripe shows for your webhook endpoint (or that `stripe listen` prints)";
  if (webhookSecrets.length === 0) {
    problems.push(`- STRIPE_WEBHOOK_SECRET: required outside localhost; ${howToGetWebhookSecret}`);
  } else if (webhookSecrets.some((s) => PUBLISHED_SECRETS.has(s))) {
    problems.push(
      `- STRIPE_WEBHOOK_SECRET: a value published in this repository is refused outside localhost; ${howToGetWebhookSecret}`,
    );
  } else if (
    webhookSecrets.some(
      (s) =>
        !/^whsec_[A-Za-z0-9+/=_-]+$/.test(s) ||
        s.length - "whsec_".length < MIN_WEBHOOK_SECRET_BODY,
    )
  ) {
    problems.push(
      `- STRIPE_WEBHOOK_SECRET: each secret must be whsec_ and at least ${MIN_WEBHOOK_SECRET_BODY} more characters; ${howToGetWebhookSecret}`,
    );
  } else if (webhookSecrets.some((s) => isLowEntropy(s.slice("whsec_".length)))) {
    problems.push(
      `- STRIPE_WEBHOOK_SECRET: a secret is too predictable (a repeated unit, few distinct characters or under ${MIN_SECRET_ENTROPY_BITS} bits); ${howToGetWebhookSecret}`,
    );
  }
  // Off this machine /metrics is readable only with the token: member and payment volumes.
  if ((raw.METRICS_TOKEN ?? "").length < MIN_METRICS_TOKEN_LENGTH) {
    problems.push(
      `- METRICS_TOKEN: required outside localhost, at least ${MIN_METRICS_TOKEN_LENGTH} characters (Prometheus sends it as a bearer token); ${MAKE_ONE}`,
    );
  }
  return problems;
}

/**
 * Reads and checks the configuration. Throws an Error whose message names every missing or
 * malformed variable. Without STRIPE_SECRET_KEY the app talks to the embedded Stripe stand-in.
 */
export function parseEnv(source: Record<string, string | undefined> = process.env) {
  const result = rawSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `- ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const raw = result.data;
  const problems: string[] = [];
  const appUrl = (raw.APP_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, "");
  const usesStandIn = raw.STRIPE_SECRET_KEY === undefined;
  const stripeSecretKey = raw.STRIPE_SECRET_KEY ?? EMBEDDED_STRIPE_KEY;
  const stripeApiBase = (
    raw.STRIPE_API_BASE ??
    (usesStandIn ? `http://127.0.0.1:${raw.STRIPE_SIM_PORT}` : REAL_STRIPE_API_BASE)
  ).replace(/\/$/, "");
  const isLiveKey = /^(sk|rk)_live_/.test(stripeSecretKey);

  if (isLiveKey && stripeApiBase !== REAL_STRIPE_API_BASE) {
    problems.push(
      `- STRIPE_SECRET_KEY: a live key is refused with a non-Stripe STRIPE_API_BASE (${stripeApiBase})`,
    );
  }
  if (!usesStandIn && raw.STRIPE_WEBHOOK_SECRET === undefined) {
    problems.push(
      "- STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set (stripe listen prints it)",
    );
  }
  const testClocks = raw.STRIPE_TEST_CLOCKS === "true" || raw.STRIPE_TEST_CLOCKS === "1";
  if (testClocks && isLiveKey) {
    problems.push(
      "- STRIPE_TEST_CLOCKS: test clocks exist only in test mode; refused with a live key",
    );
  }
  const exposed = !isLocalUrl(appUrl);
  if (exposed) problems.push(...exposedDeploymentProblems(raw, appUrl));
  const testClock = raw.APP_TEST_CLOCK === "true" || raw.APP_TEST_CLOCK === "1";
  if (testClock && exposed)
    problems.push("- APP_TEST_CLOCK: refused when APP_URL is not a localhost address");
  if (raw.POSTMARK_SERVER_TOKEN === undefined && raw.NODE_ENV === "production" && exposed) {
    problems.push(
      "- POSTMARK_SERVER_TOKEN: required in production outside localhost (emails would go nowhere)",
    );
  }
  if (raw.PASSWORD_HASH_COST === "test" && exposed) {
    problems.push("- PASSWORD_HASH_COST: the cheap test setting is refused outside localhost");
  }
  if (problems.length > 0) throw new Error(`Invalid environment:\n${problems.join("\n")}`);

  return {
    nodeEnv: raw.NODE_ENV,
    isProduction: raw.NODE_ENV === "production",
    port: raw.PORT,
    appUrl,
    /** APP_URL is a loopback address: only this machine can reach the app */
    isLocal: !exposed,
    /** a test-mode Stripe key on a public APP_URL (staging): every page says so */
    showTestModeBanner: exposed && !isLiveKey,
    databaseUrl: raw.DATABASE_URL ?? "./data/app.db",
    /** PostgreSQL connections this process keeps at most (ignored on SQLite) */
    databasePoolSize: raw.DATABASE_POOL_SIZE,
    sessionSecrets: raw.SESSION_SECRET ? splitList(raw.SESSION_SECRET) : [EMBEDDED_SESSION_SECRET],
    stripe: {
      secretKey: stripeSecretKey,
      publishableKey: raw.STRIPE_PUBLISHABLE_KEY,
      webhookSecrets: raw.STRIPE_WEBHOOK_SECRET
        ? splitList(raw.STRIPE_WEBHOOK_SECRET)
        : [EMBEDDED_WEBHOOK_SECRET],
      apiBase: stripeApiBase,
      usesStandIn,
      isLiveKey,
      standIn: { port: raw.STRIPE_SIM_PORT, dbPath: raw.STRIPE_SIM_DB ?? STAND_IN_DB_PATH },
    },
    postmark: {
      serverToken: raw.POSTMARK_SERVER_TOKEN,
      apiBase: raw.POSTMARK_API_BASE,
      messageStream: raw.POSTMARK_MESSAGE_STREAM,
    },
    emailFrom: raw.EMAIL_FROM,
    pricingCurrency: raw.PRICING_CURRENCY.toUpperCase(),
    passwordHashCost: raw.PASSWORD_HASH_COST,
    rateLimitPerMinute: raw.RATE_LIMIT_PER_MINUTE,
    trustProxy: raw.TRUST_PROXY === "true" || raw.TRUST_PROXY === "1",
    billing: { trialDays: raw.TRIAL_DAYS, testClocks, renewalNoticeDays: raw.RENEWAL_NOTICE_DAYS },
    /** where dispute notices go (decision 17); none: they are only in the ledger and the console */
    staffEmail: raw.STAFF_EMAIL,
    /** bearer token for GET /metrics; without it only loopback clients may read them */
    metricsToken: raw.METRICS_TOKEN,
    /** the app's clock may be moved through /test/clock (lib/clock.server.ts) */
    testClock,
  };
}

let cached: Env | undefined;

/** The configuration of this process, parsed once. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
