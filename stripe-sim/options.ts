/** Public configuration of the stand-in; index.ts re-exports these names for the app. */

export interface DeliveryKnobs {
  /** Deliver each event N times (default 1), to exercise idempotent webhook handlers. */
  duplicates: number;
  /** Shuffle the order of a batch of pending events (default false). */
  shuffle: boolean;
  /** Wait before the first attempt (default 0). */
  delayMs: number;
  /** Exponential backoff base: attempt n waits retryBaseMs * 2^(n-1) after a failure. */
  retryBaseMs: number;
  /** Bounded retries (default 8 attempts). */
  maxAttempts: number;
  /** Per-attempt timeout (default 10000). */
  timeoutMs: number;
}

export interface StripeSimOptions {
  /** 0 = ephemeral; default 12111. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** SQLite file for the stand-in's own state (its parent directory is created). */
  dbPath: string;
  /** Default webhook endpoint URL, like `stripe listen --forward-to`; null = none. */
  forwardTo?: string | null;
  /** Signing secret for the forwardTo endpoint. */
  webhookSecret?: string;
  /** Shown on the hosted page; default "Talents Acting". */
  merchantName?: string;
  delivery?: Partial<DeliveryKnobs>;
  /**
   * What happens to a subscription whose renewal still fails after the last retry, as the
   * account setting in Stripe's Dashboard decides: "cancel" (default) or "unpaid".
   */
  subscriptionAfterFailedRetries?: "cancel" | "unpaid";
  /** Receives one line per webhook attempt (the CLI prints them); silent when omitted. */
  log?: (line: string) => void;
}

/** The defaults, one place each: startStripeSim and the environment schema (env.ts) use them. */
export const DEFAULT_PORT = 12111;
export const DEFAULT_HOST = "127.0.0.1";
/** The CLI's state file; in-process callers always pass dbPath. */
export const DEFAULT_DB_PATH = "./data/stripe-sim.db";
/** Where the app runs when APP_URL is unset: the CLI forwards webhooks to its webhook route. */
export const DEFAULT_APP_URL = "http://localhost:3000";
export const DEFAULT_MERCHANT_NAME = "Talents Acting";
export const DEFAULT_WEBHOOK_SECRET = "whsec_stripe_sim_local_default_secret";

export const DEFAULT_KNOBS: DeliveryKnobs = {
  duplicates: 1,
  shuffle: false,
  delayMs: 0,
  retryBaseMs: 1000,
  maxAttempts: 8,
  timeoutMs: 10_000,
};

/** Keeps knobs within sane bounds so a typo in an env var cannot stall delivery forever. */
export function mergeKnobs(base: DeliveryKnobs, patch: Partial<DeliveryKnobs>): DeliveryKnobs {
  const next = { ...base };
  if (patch.duplicates !== undefined) next.duplicates = clampInt(patch.duplicates, 1, 20);
  if (patch.shuffle !== undefined) next.shuffle = Boolean(patch.shuffle);
  if (patch.delayMs !== undefined) next.delayMs = clampInt(patch.delayMs, 0, 600_000);
  if (patch.retryBaseMs !== undefined) next.retryBaseMs = clampInt(patch.retryBaseMs, 1, 3_600_000);
  if (patch.maxAttempts !== undefined) next.maxAttempts = clampInt(patch.maxAttempts, 1, 50);
  if (patch.timeoutMs !== undefined) next.timeoutMs = clampInt(patch.timeoutMs, 1, 120_000);
  return next;
}

function clampInt(value: number, min: number, max: number): number {
  const n = Math.round(Number(value));
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, n));
}
