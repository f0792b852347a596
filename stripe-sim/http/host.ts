/**
 * DNS rebinding defence: a page on another site can point its own name at 127.0.0.1 and then
 * read the stand-in as "same origin". Its requests still carry that name in Host, so only
 * loopback names (and the literal address the stand-in was told to bind, if any) are answered.
 */
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `name` or `name:port`, where name is a host name, an IPv4 literal or a bracketed IPv6 literal. */
const HOST_HEADER = /^(\[[0-9a-f:.]{2,45}\]|[a-z0-9.-]{1,253})(?::\d{1,5})?$/i;

/** The name the stand-in answers to when bound to a specific non-loopback address. */
export function boundHostName(host: string): string | null {
  if (host === "0.0.0.0" || host === "::" || host === "") return null;
  return host.includes(":") ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

export function hostAllowed(header: string | undefined, boundName: string | null): boolean {
  if (header === undefined) return false;
  const match = HOST_HEADER.exec(header.trim());
  if (!match) return false;
  const name = (match[1] ?? "").toLowerCase();
  return LOOPBACK_NAMES.has(name) || (boundName !== null && name === boundName);
}
