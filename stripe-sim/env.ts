import { z } from "zod";
import type { DeliveryKnobs, StripeSimOptions } from "./options.js";
import {
  DEFAULT_APP_URL,
  DEFAULT_DB_PATH,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_SECRET,
} from "./options.js";

/**
 * The environment `npm run stripe-sim` (cli.ts) and the app's start script read, as one schema
 * parsed once: every variable, its format and its default (from options.ts) in one place; see
 * README.md. A malformed variable is named in the error, never guessed around.
 */
type Env = Record<string, string | undefined>;

/** Unset and blank are the same: the default applies. */
const blankIsUnset = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const optionalText = z.preprocess(
  blankIsUnset,
  z
    .string()
    .transform((v) => v.trim())
    .optional(),
);

const nonNegative = (name: string) =>
  z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ invalid_type_error: `${name} must be a non-negative number` })
      .finite(`${name} must be a non-negative number`)
      .min(0, `${name} must be a non-negative number`)
      .optional(),
  );

const TRUE_WORDS = ["1", "true", "yes", "on"];
const FALSE_WORDS = ["0", "false", "no", "off"];

const schema = z.object({
  STRIPE_SIM_PORT: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ invalid_type_error: "STRIPE_SIM_PORT must be a port number (0 = any free port)" })
      .int("STRIPE_SIM_PORT must be a port number (0 = any free port)")
      .min(0, "STRIPE_SIM_PORT must be a port number (0 = any free port)")
      .max(65535, "STRIPE_SIM_PORT must be a port number (0 = any free port)")
      .default(DEFAULT_PORT),
  ),
  STRIPE_SIM_HOST: z.preprocess(
    blankIsUnset,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:-]+$/, "STRIPE_SIM_HOST must be a host name or an IP address")
      .default(DEFAULT_HOST),
  ),
  STRIPE_SIM_DB: z.preprocess(blankIsUnset, z.string().default(DEFAULT_DB_PATH)),
  APP_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((v) => URL.canParse(v), "APP_URL must be an absolute URL")
      .default(DEFAULT_APP_URL),
  ),
  /** A URL, or `none` for no default endpoint; unset forwards to the app's webhook route. */
  STRIPE_SIM_FORWARD_TO: optionalText.refine(
    (v) => v === undefined || v === "none" || URL.canParse(v),
    {
      message: "STRIPE_SIM_FORWARD_TO must be an absolute URL or none",
    },
  ),
  /** Several comma-separated secrets (rotation): the first one signs. */
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_SIM_DUPLICATES: nonNegative("STRIPE_SIM_DUPLICATES"),
  STRIPE_SIM_DELAY_MS: nonNegative("STRIPE_SIM_DELAY_MS"),
  STRIPE_SIM_RETRY_BASE_MS: nonNegative("STRIPE_SIM_RETRY_BASE_MS"),
  STRIPE_SIM_MAX_ATTEMPTS: nonNegative("STRIPE_SIM_MAX_ATTEMPTS"),
  STRIPE_SIM_TIMEOUT_MS: nonNegative("STRIPE_SIM_TIMEOUT_MS"),
  STRIPE_SIM_SHUFFLE: optionalText.refine(
    (v) => v === undefined || [...TRUE_WORDS, ...FALSE_WORDS].includes(v.toLowerCase()),
    { message: "STRIPE_SIM_SHUFFLE must be true or false" },
  ),
  STRIPE_SIM_AFTER_FAILED_RETRIES: optionalText.refine(
    (v) => v === undefined || v === "cancel" || v === "unpaid",
    { message: "STRIPE_SIM_AFTER_FAILED_RETRIES must be cancel or unpaid" },
  ),
});

/** Reads the stand-in's options from the environment; throws naming every malformed variable. */
export function optionsFromEnv(env: Env): StripeSimOptions {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      const raw = env[name];
      return `${issue.message}${raw === undefined ? "" : `, got "${raw}"`}`;
    });
    throw new Error(lines.join("; "));
  }
  const raw = result.data;
  const appUrl = raw.APP_URL.replace(/\/+$/, "");
  const forwardTo =
    raw.STRIPE_SIM_FORWARD_TO === "none"
      ? null
      : (raw.STRIPE_SIM_FORWARD_TO ?? `${appUrl}/api/webhooks/stripe`);
  const webhookSecret =
    (raw.STRIPE_WEBHOOK_SECRET ?? "")
      .split(",")
      .map((s) => s.trim())
      .find(Boolean) ?? DEFAULT_WEBHOOK_SECRET;
  const delivery: Partial<DeliveryKnobs> = {};
  if (raw.STRIPE_SIM_DUPLICATES !== undefined) delivery.duplicates = raw.STRIPE_SIM_DUPLICATES;
  if (raw.STRIPE_SIM_DELAY_MS !== undefined) delivery.delayMs = raw.STRIPE_SIM_DELAY_MS;
  if (raw.STRIPE_SIM_RETRY_BASE_MS !== undefined)
    delivery.retryBaseMs = raw.STRIPE_SIM_RETRY_BASE_MS;
  if (raw.STRIPE_SIM_MAX_ATTEMPTS !== undefined) delivery.maxAttempts = raw.STRIPE_SIM_MAX_ATTEMPTS;
  if (raw.STRIPE_SIM_TIMEOUT_MS !== undefined) delivery.timeoutMs = raw.STRIPE_SIM_TIMEOUT_MS;
  if (raw.STRIPE_SIM_SHUFFLE !== undefined)
    delivery.shuffle = TRUE_WORDS.includes(raw.STRIPE_SIM_SHUFFLE.toLowerCase());
  const afterRetries = raw.STRIPE_SIM_AFTER_FAILED_RETRIES as "cancel" | "unpaid" | undefined;
  return {
    ...(afterRetries ? { subscriptionAfterFailedRetries: afterRetries } : {}),
    port: raw.STRIPE_SIM_PORT,
    host: raw.STRIPE_SIM_HOST,
    dbPath: raw.STRIPE_SIM_DB,
    forwardTo,
    webhookSecret,
    delivery,
  };
}
