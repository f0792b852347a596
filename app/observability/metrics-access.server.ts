import { createHash, timingSafeEqual } from "node:crypto";
import { isLoopbackClient } from "../lib/client-address.server";
import type { Env } from "../lib/env.server";

/**
 * Who may read /metrics: with METRICS_TOKEN set, whoever sends it as a bearer token; without
 * one (only allowed on a loopback APP_URL: the boot check refuses an exposed deployment
 * without it) clients on this machine only. Member volumes and payment counts are not public.
 */
export function metricsAccess(
  request: Request,
  config: Pick<Env, "metricsToken">,
): "allowed" | "unauthorized" | "forbidden" {
  const token = config.metricsToken;
  if (token) {
    const sent = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    if (sent && sameSecret(sent, token)) return "allowed";
    return "unauthorized";
  }
  return isLoopbackClient(request) ? "allowed" : "forbidden";
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
