import Stripe from "stripe";
import { env } from "./env.server";

export type { Stripe };

/** Stripe refuses signatures older than this; so do we (seconds). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

interface Holder {
  __stripe?: { key: string; client: Stripe };
}
const holder = globalThis as typeof globalThis & Holder;

/**
 * The one Stripe client of this process, built from configuration. The same SDK talks to
 * api.stripe.com or to the local stand-in; only host, port and protocol change.
 */
export function stripe(): Stripe {
  const { secretKey, apiBase } = env().stripe;
  const key = `${secretKey}|${apiBase}`;
  if (holder.__stripe?.key !== key)
    holder.__stripe = { key, client: createStripeClient(secretKey, apiBase) };
  return holder.__stripe.client;
}

export function createStripeClient(secretKey: string, apiBase: string): Stripe {
  const base = new URL(apiBase);
  const protocol = base.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    host: base.hostname,
    port: base.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "talents-acting-payments" },
  });
}

export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/**
 * The SDK refuses signatures older than the tolerance but accepts any timestamp in the future,
 * so a signature made with a leaked secret and a far-future time would replay for years. Both
 * directions are checked here, before any secret is tried, with one clear message.
 */
function assertWithinTolerance(header: string, nowSeconds: number): void {
  const timestamp = /(?:^|,)\s*t=(\d{1,15})(?:,|$)/.exec(header)?.[1];
  if (
    timestamp !== undefined &&
    Math.abs(Number(timestamp) - nowSeconds) > WEBHOOK_TOLERANCE_SECONDS
  ) {
    throw new WebhookSignatureError(
      `Invalid Stripe-Signature: timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from now`,
    );
  }
}

/**
 * Verifies a webhook against every configured signing secret (more than one during a secret
 * rotation) and returns the event. Throws WebhookSignatureError when none matches, or when the
 * signature's time is more than the tolerance away from now in either direction.
 */
export function constructWebhookEvent(
  payload: string | Uint8Array,
  header: string | null,
  secrets: readonly string[] = env().stripe.webhookSecrets,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Stripe.Event {
  if (!header) throw new WebhookSignatureError("Missing Stripe-Signature header");
  assertWithinTolerance(header, nowSeconds);
  let lastError: unknown;
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(payload, header, secret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      // A body that is not JSON fails after the signature matched: no other secret can help.
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) {
        throw new WebhookSignatureError(`Malformed webhook payload: ${messageOf(error)}`);
      }
      lastError = error;
    }
  }
  throw new WebhookSignatureError(`Invalid Stripe-Signature: ${messageOf(lastError)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
