const BASE = "http://safe-redirect.invalid";

/**
 * `to` when it is a path on this site, otherwise `fallback`. Refuses protocol-relative
 * ("//evil.com"), backslash ("/\\evil.com", which browsers read as "//"), absolute URLs and any
 * control characters (browsers drop tabs and newlines, so "/\t/evil.com" would become "//evil.com").
 * The answer is the path as a URL serialises it: percent-encoded ASCII, so it can always go in a
 * Location header (a character above U+00FF there would throw), with dot segments resolved.
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if (hasControlChar(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Resolving "/.//evil.com" gives "//evil.com", which a browser would read as another host.
  if (path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}

function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
