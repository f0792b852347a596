import type { Kysely, MigrationResultSet } from "kysely";
import { Migrator } from "kysely";
import { migrations } from "./migrations/index";

function migratorFor(db: Kysely<any>): Migrator {
  // Each engineer's migrations take a number range (0030-0039, 0060-0069 ...): a database that
  // ran a later range first must still take an earlier number landed after it.
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
}

function unwrap({ error, results }: MigrationResultSet): string[] {
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).map((r) => `${r.direction} ${r.migrationName}: ${r.status}`);
}

/**
 * Applies the pending migrations one at a time, each in its own transaction, so that against a
 * live SQLite server the write lock is held for one migration at a time rather than for all of
 * them (decision 0019).
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = migratorFor(db);
  const lines: string[] = [];
  for (;;) {
    const step = unwrap(await migrator.migrateUp());
    if (step.length === 0) return lines;
    lines.push(...step);
  }
}

export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  return unwrap(await migratorFor(db).migrateDown());
}
