const BASE = "http://safe-redirect.invalid";

/**
 * `to` when it is a path on this site, otherwise `fallback`. Refuses protocol-relative
 * ("//evil.com"), backslash ("/\\evil.com", which browsers read as "//"), absolute URLs and any
 * control characters (browsers drop tabs and newlines, so "/\t/evil.com" would become "//evil.com").
 */
export function safeRedirect(to: unknown, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  if (hasControlChar(to)) return fallback;
  try {
    if (new URL(to, BASE).origin !== BASE) return fallback;
  } catch {
    return fallback;
  }
  return to;
}

function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
