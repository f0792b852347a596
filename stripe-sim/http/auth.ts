import type { IncomingMessage } from "node:http";
import { StripeApiError } from "./errors.js";

const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

function keyFromHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ""] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer") return value;
  if (scheme?.toLowerCase() === "basic") {
    // The CLI and curl -u send the key as the Basic username with an empty password.
    return Buffer.from(value, "base64").toString("utf8").split(":")[0];
  }
  return undefined;
}

function masked(key: string): string {
  return key.length > 8
    ? `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`
    : key;
}

/** Any test-mode secret or restricted key is accepted; everything else is Stripe's 401. */
export function authenticate(req: IncomingMessage): string {
  const key = keyFromHeader(req.headers.authorization);
  if (!key)
    throw new StripeApiError(401, { type: "invalid_request_error", message: NO_KEY_MESSAGE });
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw new StripeApiError(401, {
      type: "invalid_request_error",
      code: "api_key_invalid",
      doc_url: "https://stripe.com/docs/error-codes/api-key-invalid",
      message: `Invalid API Key provided: ${masked(key)}${key.startsWith("sk_live_") ? " (stripe-sim only accepts test mode keys)" : ""}`,
    });
  }
  return key;
}
