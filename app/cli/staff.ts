import { config as loadDotenv } from "dotenv";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { now } from "../lib/clock.server";
import { parseEnv } from "../lib/env.server";
import { setStaffFlag } from "../staff/accounts.server";
import { errorMessage } from "../lib/errors";

// `npm run staff:grant -- <email>` and `npm run staff:revoke -- <email>`: the only way to give
// or take access to the staff console. Prints what changed; an unknown email exits with 1.

const [command, email, ...rest] = process.argv.slice(2);
if ((command !== "grant" && command !== "revoke") || !email || rest.length > 0) {
  console.error("usage: npm run staff:grant -- <email>  |  npm run staff:revoke -- <email>");
  process.exit(2);
}

loadDotenv({ quiet: true });
let config;
try {
  config = parseEnv();
} catch (error) {
  console.error(errorMessage(error));
  process.exit(1);
}
const database = createDatabase(config.databaseUrl);
try {
  await migrateToLatest(database);
  const result = await setStaffFlag(database, email, command === "grant", now());
  switch (result.kind) {
    case "unknown":
      console.error(`No account has the email ${result.email}; nothing changed.`);
      process.exitCode = 1;
      break;
    case "unchanged":
      console.log(
        `${result.email} ${result.isStaff ? "is already staff" : "is not staff"}; nothing changed.`,
      );
      break;
    case "changed":
      console.log(
        result.isStaff
          ? `${result.email} is now staff (was a member only).`
          : `${result.email} is no longer staff (was staff); their sessions were ended.`,
      );
      break;
  }
} finally {
  await database.destroy();
}
