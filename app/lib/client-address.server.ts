import { remember } from "@epic-web/remember";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * @remix-run/serve gives loaders and actions a Fetch Request without the socket's address. This
 * header is stamped on every incoming request at the HTTP layer, before Remix copies the headers,
 * and overwrites any value a client sent, so it cannot be forged.
 */
export const CLIENT_ADDRESS_HEADER = "x-talents-client-address";

const installed = remember("client-address-header", () => ({ done: false }));

export function installClientAddressHeader(): void {
  if (installed.done) return;
  installed.done = true;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[CLIENT_ADDRESS_HEADER] = socket.remoteAddress ?? "";
  });
}

/**
 * Who is asking: the address a trusted proxy appended last to X-Forwarded-For when the app runs
 * behind one (TRUST_PROXY), else the socket's address; "local" when neither is known (a route
 * called directly, as in tests).
 */
export function clientAddress(request: Request, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = request.headers.get("x-forwarded-for")?.split(",");
    const last = hops?.[hops.length - 1]?.trim();
    if (last) return last.slice(0, 100);
  }
  return request.headers.get(CLIENT_ADDRESS_HEADER)?.slice(0, 100) || "local";
}

/**
 * The key a client is counted under: an IPv4 address as it is (an IPv4-mapped IPv6 address as
 * its IPv4 form), an IPv6 address by its /64 network, since one subscriber usually holds a whole
 * /64 and could otherwise rotate through 2^64 addresses.
 */
export function rateLimitKey(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  const groups = expandIpv6(bare);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : bare;
}

/** The eight 16-bit groups of an IPv6 address (lowercase, no leading zeros), or null. */
function expandIpv6(address: string): string[] | null {
  if (!address.includes(":") || !/^[0-9a-f:.]+$/i.test(address)) return null;
  const halves = address.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  // An embedded IPv4 tail (::ffff:1.2.3.4 is handled above; others count as two groups).
  const last = tail.length > 0 ? tail : head;
  if (last.length > 0 && last[last.length - 1]!.includes(".")) {
    const octets = last.pop()!.split(".").map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o > 255)) return null;
    last.push(
      ((octets[0]! << 8) | octets[1]!).toString(16),
      ((octets[2]! << 8) | octets[3]!).toString(16),
    );
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16).toString(16));
}

/** True when the request came from this machine (the socket's address, never a header a client sets). */
export function isLoopbackClient(request: Request): boolean {
  const address = request.headers.get(CLIENT_ADDRESS_HEADER) ?? "";
  return address === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}
