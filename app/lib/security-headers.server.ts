import { randomBytes } from "node:crypto";
import { env } from "./env.server";
import { SESSION_COOKIE_NAME } from "./session.server";

/** A fresh nonce for each HTML response: only scripts carrying it (Remix's own) run. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/** Where checkout forms may lead: our own pages and the Stripe-hosted pages in use. */
function stripeFormOrigins(): string[] {
  const { usesStandIn, apiBase } = env().stripe;
  if (usesStandIn) {
    const base = new URL(apiBase);
    // The stand-in's page URLs name 127.0.0.1 or localhost; allow both spellings of its port.
    return [
      base.origin,
      `${base.protocol}//localhost:${base.port}`,
      `${base.protocol}//127.0.0.1:${base.port}`,
    ];
  }
  return ["https://checkout.stripe.com", "https://billing.stripe.com"];
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `form-action 'self' ${[...new Set(stripeFormOrigins())].join(" ")}`,
  ].join("; ");
}

/** True when the request carries a session cookie: the page may show a member's data. */
function mayBeSignedIn(request: Request): boolean {
  return (request.headers.get("cookie") ?? "")
    .split(";")
    .some((c) => c.trim().startsWith(`${SESSION_COOKIE_NAME}=`));
}

/**
 * Headers every response of the app carries; `nonce` adds the Content-Security-Policy of an
 * HTML document. Pages seen while signed in are never stored by browsers or shared caches.
 */
export function applySecurityHeaders(headers: Headers, request: Request, nonce?: string): void {
  if (nonce !== undefined) headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  if (env().appUrl.startsWith("https:"))
    headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  if (mayBeSignedIn(request)) headers.set("Cache-Control", "private, no-store");
}
