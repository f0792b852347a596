import { remember } from "@epic-web/remember";
import { createDatabase, SERVER_TIMEOUTS } from "../../db/connection";
import type { DB } from "../../db/schema";
import { env } from "./env.server";
import { log } from "../observability/log.server";

// One Kysely instance a process, remembered so the dev server's reloads reuse it.
const database = remember("database", () => ({
  db: undefined as DB | undefined,
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

/**
 * Closes the database for good (shutdown): a Postgres pool waits for its checked-out
 * connections and ends them instead of leaving them to be cut, a SQLite file is closed. db()
 * throws afterwards, which requests answer with 503.
 */
export async function closeDatabase(): Promise<void> {
  const open = database.db;
  database.closed = true;
  await open?.destroy();
}
