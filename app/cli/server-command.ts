import { join } from "node:path";
import { isLoopbackHost } from "../lib/env.server";

/**
 * The old-generation heap the production server runs with, in MB. The live heap stays near 50 MB;
 * without a ceiling V8 lets garbage pile up to about 200 MB under load before it collects, and
 * that is most of the server's memory. With one, V8 collects at about 55 MB instead: a full
 * collection once or twice a second under load, 3-5 ms of pause each, 1-2% of the CPU.
 * NODE_OPTIONS=--max-old-space-size=N overrides it (decision 0014).
 */
export const SERVER_HEAP_MB = 160;

/**
 * The production web server's command line (after the node binary): @remix-run/serve on the
 * built app. `npm start`, the bench and the multi-instance test all start the server this way,
 * so what is measured and tested is what runs.
 */
export function productionServerArgs(
  root: string,
  nodeFlags: string[] = [],
  env: Record<string, string | undefined> = process.env,
): string[] {
  const heap = /--max-old-space-size\b/.test(env.NODE_OPTIONS ?? "")
    ? []
    : [`--max-old-space-size=${SERVER_HEAP_MB}`];
  return [
    ...heap,
    ...nodeFlags,
    join(root, "node_modules/@remix-run/serve/dist/cli.js"),
    "build/server/index.js",
  ];
}

/**
 * The address the web server listens on (@remix-run/serve reads HOST). On local defaults
 * (loopback APP_URL) that is a loopback address: the published webhook secret and the dev
 * tools must not be reachable from the network, and @remix-run/serve would otherwise listen on
 * every interface. An explicit HOST is kept when it is loopback and refused when it is not.
 * Off localhost HOST is left as configured (every interface when unset).
 */
export function listenHost(
  config: { appUrl: string; isLocal: boolean },
  hostEnv: string | undefined,
): { host: string | undefined } | { problem: string } {
  const explicit = hostEnv?.trim() || undefined;
  if (!config.isLocal) return { host: explicit };
  if (explicit !== undefined) {
    return isLoopbackHost(explicit)
      ? { host: explicit.replace(/^\[|\]$/g, "") }
      : {
          problem: `- HOST: ${explicit} would expose local defaults (published secrets, dev mailbox) to the network; unset HOST, or set APP_URL to the public https address`,
        };
  }
  const hostname = new URL(config.appUrl).hostname.replace(/^\[|\]$/g, "");
  return { host: hostname === "localhost" ? "127.0.0.1" : hostname };
}
