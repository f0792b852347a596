import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "../lib/db.server";
import { env } from "../lib/env.server";
import { metricsAccess } from "../observability/metrics-access.server";
import { metrics, readDatabaseGauges } from "../observability/metrics.server";

// Prometheus scrapes this. Open to this machine on local defaults; elsewhere it wants
// Authorization: Bearer METRICS_TOKEN (decision 0020). No session, no rate limit.
export async function loader({ request }: LoaderFunctionArgs) {
  const access = metricsAccess(request, env());
  if (access !== "allowed") {
    return new Response(JSON.stringify({ error: "Metrics need the bearer token" }), {
      status: access === "unauthorized" ? 401 : 403,
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        ...(access === "unauthorized" ? { "WWW-Authenticate": 'Bearer realm="metrics"' } : {}),
      },
    });
  }
  let database;
  try {
    database = db();
  } catch {
    database = undefined; // shutting down: the counters still answer
  }
  if (database) await readDatabaseGauges(database);
  return new Response(await metrics.registry.metrics(), {
    headers: { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" },
  });
}
