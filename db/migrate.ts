import { config as loadDotenv } from "dotenv";
import { parseEnv } from "../app/lib/env.server";
import { createDatabase, describeDatabaseUrl } from "./connection";
import { migrateDown, migrateToLatest } from "./migrator";
import { errorMessage } from "../app/lib/errors";

// npm run db:migrate [-- down]. The configuration is read through the app's env schema, so the
// database URL and its default are the server's (one place: app/lib/env.server.ts).
loadDotenv({ quiet: true });
let config;
try {
  config = parseEnv();
} catch (error) {
  console.error(errorMessage(error));
  process.exit(1);
}
const direction = process.argv[2] === "down" ? "down" : "up";
const path = config.databaseUrl;
const db = createDatabase(path);
try {
  const lines = direction === "down" ? await migrateDown(db) : await migrateToLatest(db);
  console.log(lines.length ? lines.join("\n") : `${describeDatabaseUrl(path)}: already up to date`);
} catch (error) {
  console.error(`Migration failed: ${errorMessage(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
