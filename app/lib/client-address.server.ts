import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * @remix-run/serve gives loaders and actions a Fetch Request without the socket's address. This
 * header is stamped on every incoming request at the HTTP layer, before Remix copies the headers,
 * and overwrites any value a client sent, so it cannot be forged.
 */
export const CLIENT_ADDRESS_HEADER = "x-talents-client-address";

const holder = globalThis as typeof globalThis & { __clientAddressInstalled?: boolean };

export function installClientAddressHeader(): void {
  if (holder.__clientAddressInstalled) return;
  holder.__clientAddressInstalled = true;
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
