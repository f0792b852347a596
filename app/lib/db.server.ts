import type { Kysely } from "kysely";
import { createDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import { env } from "./env.server";

export type DB = Kysely<Database>;

// One Kysely instance a process; kept on globalThis so the dev server's reloads reuse it.
const holder = globalThis as typeof globalThis & { __appDb?: DB };

export function db(): DB {
  holder.__appDb ??= createDatabase(env().databaseUrl);
  return holder.__appDb;
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
