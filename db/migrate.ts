import "dotenv/config";
import { createDatabase, describeDatabaseUrl } from "./connection";
import { migrateDown, migrateToLatest } from "./migrator";

// npm run db:migrate [-- down]
const direction = process.argv[2] === "down" ? "down" : "up";
const path = process.env.DATABASE_URL || "./data/app.db";
const db = createDatabase(path);
try {
  const lines = direction === "down" ? await migrateDown(db) : await migrateToLatest(db);
  console.log(lines.length ? lines.join("\n") : `${describeDatabaseUrl(path)}: already up to date`);
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
