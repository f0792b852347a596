import { sql } from "kysely";
import { migrations } from "../../db/migrations/index";
import type { DB } from "../../db/schema";
import { isShuttingDown } from "./lifecycle.server";

/** A readiness probe answers within this even when the database does not (a load balancer's probe times out too). */
export const READINESS_DB_TIMEOUT_MS = 2_000;

export type ReadinessProblem = "shutting_down" | "database" | "migrations";

export interface Readiness {
  ready: boolean;
  failed: ReadinessProblem[];
}

/**
 * Ready: not shutting down, the database answers within READINESS_DB_TIMEOUT_MS, and every
 * migration this build knows is applied (a server started before `db:migrate` ran, or after a
 * rollback, is not ready). One small indexed read of Kysely's migration table.
 */
export async function readiness(db: () => DB): Promise<Readiness> {
  const failed: ReadinessProblem[] = [];
  if (isShuttingDown()) failed.push("shutting_down");
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      const applied = await Promise.race([
        sql<{ name: string }>`select name from kysely_migration`.execute(db()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("database did not answer in time")),
            READINESS_DB_TIMEOUT_MS,
          );
        }),
      ]);
      const names = new Set(applied.rows.map((r) => r.name));
      if (Object.keys(migrations).some((name) => !names.has(name))) failed.push("migrations");
    } catch {
      failed.push("database");
    } finally {
      clearTimeout(timer);
    }
  }
  return { ready: failed.length === 0, failed };
}
