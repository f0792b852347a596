import { config as loadDotenv } from "dotenv";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { resyncAll } from "../billing/resync.server";
import { parseEnv } from "../lib/env.server";
import { createStripeClient } from "../lib/stripe.server";

// `npm run stripe:sync`: re-sync every local customer's subscriptions and invoices from Stripe
// and print the drift it corrected. Safe to run at any time; the server also runs it daily.

loadDotenv({ quiet: true });
let config;
try {
  config = parseEnv();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const database = createDatabase(config.databaseUrl);
try {
  await migrateToLatest(database);
  const report = await resyncAll(
    database,
    createStripeClient(config.stripe.secretKey, config.stripe.apiBase),
  );
  console.log(
    `Stripe re-sync: ${report.customers} customer(s), ${report.subscriptions} subscription(s), ${report.drift.length} correction(s)`,
  );
  for (const line of report.drift) console.log(`  corrected ${line}`);
  for (const line of report.errors) console.error(`  failed ${line}`);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
} finally {
  await database.destroy();
}
