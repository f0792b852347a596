import { db } from "../lib/db.server";
import { readiness } from "../lib/readiness.server";

// Readiness: 200 when the database answers, the migrations are current and the process is not
// shutting down; 503 naming what failed otherwise. No session, no rate limit.
export async function loader() {
  const result = await readiness(db);
  return new Response(
    JSON.stringify(
      result.ready ? { status: "ready" } : { status: "unavailable", failed: result.failed },
    ),
    {
      status: result.ready ? 200 : 503,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    },
  );
}
