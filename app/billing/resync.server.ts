import type Stripe from "stripe";
import type { DB } from "../../db/schema";
import { syncSubscription } from "./sync.server";
import { errorMessage } from "../lib/errors";

const CUSTOMERS_PER_PAGE = 500;

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
export async function resyncAll(
  db: DB,
  stripe: Stripe,
  now: () => Date,
  { customersPerPage = CUSTOMERS_PER_PAGE }: { customersPerPage?: number } = {},
): Promise<ResyncReport> {
  const report: ResyncReport = { customers: 0, subscriptions: 0, drift: [], errors: [] };
  // Customers are read a page at a time (by id), so memory stays flat however many there are.
  for (let after = 0; ;) {
    const customers = await db
      .selectFrom("stripe_customers")
      .select(["id", "stripe_customer_id"])
      .where("id", ">", after)
      .orderBy("id")
      .limit(customersPerPage)
      .execute();
    for (const customer of customers) {
      report.customers++;
      try {
        for await (const subscription of stripe.subscriptions.list({
          customer: customer.stripe_customer_id,
          status: "all",
          limit: 100,
        })) {
          const result = await syncSubscription(db, stripe, subscription.id, {
            cause: "sync",
            now: now(),
          });
          report.subscriptions++;
          if (result.kind === "synced") report.drift.push(...result.drift);
        }
      } catch (error) {
        report.errors.push(`customer ${customer.stripe_customer_id}: ${errorMessage(error)}`);
      }
    }
    if (customers.length < customersPerPage) return report;
    after = customers[customers.length - 1]!.id;
  }
}
