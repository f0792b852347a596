import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../../db/schema";

/**
 * Runs `fn` in one SQLite transaction that takes the write lock up front (BEGIN IMMEDIATE).
 * A deferred transaction that reads and then writes can fail with SQLITE_BUSY when another
 * process wrote in between; taking the lock first makes concurrent writers wait on
 * busy_timeout instead. `fn` must only await database work: no network I/O, no rendering.
 */
export async function writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
