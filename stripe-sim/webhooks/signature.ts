import { createHmac } from "node:crypto";

/**
 * Stripe's scheme: HMAC-SHA256 keyed with the whole `whsec_...` string over `${t}.${payload}`,
 * sent as `Stripe-Signature: t=<unix seconds>,v1=<hex>`; stripe.webhooks.constructEvent checks it.
 */
export function signatureHeader(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac("sha256", secret)
    .update(`${timestampSeconds}.${payload}`, "utf8")
    .digest("hex");
  return `t=${timestampSeconds},v1=${signature}`;
}
