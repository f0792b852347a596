import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { TEST_APP_URL } from "./app";

/**
 * A GET as a browser on this machine sends it: what the HTTP layer stamps for a loopback socket,
 * and the request's own localhost Host. Developer tools (the dev mailbox) answer only these.
 */
export function loopbackGetRequest(
  path: string,
  address = "127.0.0.1",
  base = TEST_APP_URL,
): Request {
  return new Request(`${base}${path}`, { headers: { [CLIENT_ADDRESS_HEADER]: address } });
}
