import { remember } from "@epic-web/remember";
import Stripe from "stripe";
import { env } from "./env.server";
import { instrumentStripe, stripeHttpClient } from "../observability/metrics.server";
import { errorMessage } from "./errors";

export type { Stripe };

/** Stripe refuses signatures older than this; so do we (seconds). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const cache = remember("stripe-client", () => ({
  current: undefined as { key: string; client: Stripe } | undefined,
}));

/**
 * The one Stripe client of this process, built from configuration. The same SDK talks to
 * api.stripe.com or to the local stand-in; only host, port and protocol change.
 */
export function stripe(): Stripe {
  const { secretKey, apiBase } = env().stripe;
  const key = `${secretKey}|${apiBase}`;
  if (cache.current?.key !== key)
    cache.current = { key, client: createStripeClient(secretKey, apiBase) };
  return cache.current.client;
}

export function createStripeClient(secretKey: string, apiBase: string): Stripe {
  const base = new URL(apiBase);
  const protocol = base.protocol === "http:" ? "http" : "https";
  const client = new Stripe(secretKey, {
    host: base.hostname,
    port: base.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: "talents-acting-payments" },
    httpClient: stripeHttpClient(),
  });
  return instrumentStripe(client);
}

export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/**
 * The one timestamp of a Stripe-Signature header, or a refusal. The SDK reads the last `t=` with
 * parseInt (so `t=+17...`, `t=17...junk` and a zero-padded 20-digit `t` all pass through it),
 * while a tolerance check reading another spelling would check a different time than the one
 * signed. Stripe sends exactly one `t=` of plain digits; anything else is refused here.
 */
function signatureTimestamp(header: string): number {
  const timestamps = header
    .split(",")
    .filter((item) => item.split("=")[0]?.trim().toLowerCase() === "t");
  if (timestamps.length !== 1)
    throw new WebhookSignatureError(
      "Invalid Stripe-Signature: exactly one t= timestamp is required",
    );
  const value = /^t=([1-9]\d{0,14})$/.exec(timestamps[0] ?? "")?.[1];
  if (value === undefined)
    throw new WebhookSignatureError(
      "Invalid Stripe-Signature: the t= timestamp must be 1 to 15 digits with no sign, padding or suffix",
    );
  return Number(value);
}

/**
 * The SDK refuses signatures older than the tolerance but accepts any timestamp in the future,
 * so a signature made with a leaked secret and a far-future time would replay for years. Both
 * directions are checked here, before any secret is tried, with one clear message.
 */
function assertWithinTolerance(header: string, nowSeconds: number): void {
  if (Math.abs(signatureTimestamp(header) - nowSeconds) > WEBHOOK_TOLERANCE_SECONDS) {
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
        throw new WebhookSignatureError(`Malformed webhook payload: ${errorMessage(error)}`);
      }
      lastError = error;
    }
  }
  throw new WebhookSignatureError(`Invalid Stripe-Signature: ${errorMessage(lastError)}`);
}
