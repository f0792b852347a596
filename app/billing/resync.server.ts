import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database } from "../../db/schema";
import { syncSubscription } from "./sync.server";

export interface ResyncReport {
  customers: number;
  subscriptions: number;
  /** one line per corrected difference between our rows and Stripe */
  drift: string[];
  /** customers whose sync failed (the rest still ran) */
  errors: string[];
}

/**
 * Re-reads every local customer's subscriptions and invoices from Stripe and stores them with
 * the same sync the webhook uses; a lost or mishandled event is repaired here. Safe to run at
 * any time and as often as wanted: a second run finds no drift.
 */
export async function resyncAll(db: Kysely<Database>, stripe: Stripe, now: () => Date = () => new Date()): Promise<ResyncReport> {
  const report: ResyncReport = { customers: 0, subscriptions: 0, drift: [], errors: [] };
  const customers = await db.selectFrom("stripe_customers").select(["user_id", "stripe_customer_id"]).orderBy("id").execute();
  for (const customer of customers) {
    report.customers++;
    try {
      for await (const subscription of stripe.subscriptions.list({ customer: customer.stripe_customer_id, status: "all", limit: 100 })) {
        const result = await syncSubscription(db, stripe, subscription.id, { cause: "sync", now: now() });
        report.subscriptions++;
        if (result.kind === "synced") report.drift.push(...result.drift);
      }
    } catch (error) {
      report.errors.push(`customer ${customer.stripe_customer_id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return report;
}
