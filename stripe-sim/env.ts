import type { DeliveryKnobs, StripeSimOptions } from "./options.js";
import { DEFAULT_PORT, DEFAULT_WEBHOOK_SECRET } from "./options.js";

/** The environment variables `npm run stripe-sim` understands; see README.md. */
type Env = Record<string, string | undefined>;

function numberFrom(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

function booleanFrom(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

export function optionsFromEnv(env: Env): StripeSimOptions {
  const appUrl = (env.APP_URL || "http://localhost:3000").replace(/\/+$/, "");
  const forwardRaw = env.STRIPE_SIM_FORWARD_TO?.trim();
  const forwardTo = forwardRaw === "none" ? null : forwardRaw || `${appUrl}/api/webhooks/stripe`;
  // STRIPE_WEBHOOK_SECRET may list several secrets (rotation); the first one signs.
  const webhookSecret =
    (env.STRIPE_WEBHOOK_SECRET ?? "")
      .split(",")
      .map((s) => s.trim())
      .find(Boolean) ?? DEFAULT_WEBHOOK_SECRET;
  const delivery: Partial<DeliveryKnobs> = {};
  const knobs: Array<[keyof DeliveryKnobs, string]> = [
    ["duplicates", "STRIPE_SIM_DUPLICATES"],
    ["delayMs", "STRIPE_SIM_DELAY_MS"],
    ["retryBaseMs", "STRIPE_SIM_RETRY_BASE_MS"],
    ["maxAttempts", "STRIPE_SIM_MAX_ATTEMPTS"],
    ["timeoutMs", "STRIPE_SIM_TIMEOUT_MS"],
  ];
  for (const [knob, name] of knobs) {
    const value = numberFrom(env, name);
    if (value !== undefined) (delivery as Record<string, number>)[knob] = value;
  }
  const shuffle = booleanFrom(env, "STRIPE_SIM_SHUFFLE");
  if (shuffle !== undefined) delivery.shuffle = shuffle;
  const afterRetries = env.STRIPE_SIM_AFTER_FAILED_RETRIES?.trim();
  if (afterRetries && afterRetries !== "cancel" && afterRetries !== "unpaid") {
    throw new Error(
      `STRIPE_SIM_AFTER_FAILED_RETRIES must be cancel or unpaid, got "${afterRetries}"`,
    );
  }
  return {
    ...(afterRetries === "cancel" || afterRetries === "unpaid"
      ? { subscriptionAfterFailedRetries: afterRetries }
      : {}),
    port: numberFrom(env, "STRIPE_SIM_PORT") ?? DEFAULT_PORT,
    dbPath: env.STRIPE_SIM_DB || "./data/stripe-sim.db",
    forwardTo,
    webhookSecret,
    delivery,
  };
}
