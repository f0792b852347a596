import { env } from "./env.server";

export const CROSS_SITE_REFUSED =
  "This form was sent from another site, so it was refused. Open the page on this site and submit it again.";

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The origin the browser addressed, from the Host header. Remix's Express adapter rebuilds
 * request.url from the Host by splitting it at ":", which loses the port of an IPv6 literal
 * ("[::1]:3000" becomes "http://[::1]/..."), so a page opened at http://[::1]:3000 would see its
 * own forms refused without this.
 */
function hostOrigin(request: Request): string | null {
  const host = request.headers.get("host");
  if (!host) return null;
  const origin = originOf(`${new URL(request.url).protocol}//${host}`);
  return origin === "null" ? null : origin;
}

/**
 * True when a state-changing request may come from a page on another site. Browsers send
 * Origin with every POST (and Sec-Fetch-Site); a request with neither comes from a tool that
 * is not a browser, which no other site can drive. The app's own origin is APP_URL's, or the
 * one the request was addressed to (a browser sets Host, so a foreign page cannot fake it).
 */
export function isCrossSiteRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null)
    return (
      origin !== originOf(env().appUrl) &&
      origin !== originOf(request.url) &&
      origin !== hostOrigin(request)
    );
  const fetchSite = request.headers.get("sec-fetch-site");
  return fetchSite === "cross-site" || fetchSite === "same-site";
}

/**
 * Every action except the Stripe webhook starts with this: a cross-site POST is answered 403
 * with a short page (the route's error boundary) and changes nothing.
 */
export function requireSameOrigin(request: Request): void {
  if (isCrossSiteRequest(request))
    throw new Response(CROSS_SITE_REFUSED, { status: 403, statusText: "Forbidden" });
}
