import { remember } from "@epic-web/remember";
import type { Kysely } from "kysely";
import { createDatabase, SERVER_TIMEOUTS } from "../../db/connection";
import type { Database } from "../../db/schema";
import { env } from "./env.server";
import { log } from "../observability/log.server";

export type DB = Kysely<Database>;

// One Kysely instance a process, remembered so the dev server's reloads reuse it.
const database = remember("database", () => ({
  db: undefined as DB | undefined,
  draining: false,
  closed: false,
}));

export function db(): DB {
  if (database.closed) throw new Error("The database is closed: the server is shutting down");
  if (!database.db) {
    const config = env();
    database.db = createDatabase(config.databaseUrl, {
      poolSize: config.databasePoolSize,
      timeouts: SERVER_TIMEOUTS,
      onConnectionError: (message, error) => log.warn({ error: error.message }, message),
    });
  }
  return database.db;
}

/** Requests in flight when the signal came get this long to finish their queries. */
const SHUTDOWN_GRACE_MS = 1_000;

/**
 * On SIGTERM or SIGINT the web server stops taking requests (remix-serve closes it); after a
 * short grace for the requests in flight, `beforeClose` stops what would use the database again
 * (the background loops), and the database is closed for good: a Postgres pool waits for its
 * checked-out connections and ends them instead of leaving them to be cut, a SQLite file is
 * closed. Server process only.
 */
export function drainDatabaseOnShutdown(
  beforeClose: () => Promise<void> = async () => undefined,
): void {
  if (database.draining) return;
  database.draining = true;
  const drain = () =>
    setTimeout(() => {
      void (async () => {
        await beforeClose().catch((error: unknown) =>
          console.error("Stopping the background jobs failed:", error),
        );
        const open = database.db;
        database.closed = true;
        await open?.destroy();
      })().catch((error: unknown) => console.error("Closing the database failed:", error));
    }, SHUTDOWN_GRACE_MS);
  process.once("SIGTERM", drain);
  process.once("SIGINT", drain);
}
