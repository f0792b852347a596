import { config as loadDotenv } from "dotenv";
import { createDatabase } from "../../db/connection";
import { migrateToLatest } from "../../db/migrator";
import { reconcileWithStripe } from "../stripe-events/reconcile.server";
import { now } from "../lib/clock.server";
import { parseEnv } from "../lib/env.server";
import { createStripeClient } from "../lib/stripe.server";
import { errorMessage } from "../lib/errors";

// `npm run stripe:sync`: re-sync every local customer's subscriptions and invoices from Stripe,
// settle pending Checkouts older than a few minutes, apply again the events whose processing
// failed, queue due renewal notices, and print what changed by id. Safe to run at any time;
// the server also runs it daily.

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
  const report = await reconcileWithStripe(
    database,
    createStripeClient(config.stripe.secretKey, config.stripe.apiBase),
    now,
  );
  console.log(
    `Stripe re-sync: ${report.customers} customer(s), ${report.subscriptions} subscription(s), ${report.drift.length} correction(s)`,
  );
  for (const line of report.drift) console.log(`  corrected ${line}`);
  if (report.drift.length === 0 && report.errors.length === 0) console.log("  nothing changed");
  for (const line of report.errors) console.error(`  failed ${line}`);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
} finally {
  await database.destroy();
}
