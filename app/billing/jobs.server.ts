import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { kickDispatcher } from "../lib/background.server";
import { withLease } from "../lib/lease.server";
import { catalogPrices } from "./catalog-sync.server";
import { resyncAll } from "./resync.server";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first daily re-sync waits a little so boot (and the stand-in) settle first. */
const FIRST_RESYNC_DELAY_MS = 60_000;
/** A little under a day, so the instance whose timer fires first the next day gets it again. */
const RESYNC_LEASE_MS = DAY_MS - 10 * 60_000;

const holder = globalThis as typeof globalThis & { __billingJobsStarted?: boolean };

/**
 * Boot: make Stripe match the catalog; then re-sync every customer from Stripe once a day.
 * Once a process (the dev server re-imports entry.server on every change).
 */
export function startBillingJobs(): void {
  if (holder.__billingJobsStarted) return;
  holder.__billingJobsStarted = true;
  catalogPrices()
    .then((prices) => {
      const changed = [...prices.values()].filter((p) => p.action !== "found");
      if (changed.length > 0)
        console.info(
          `Billing catalog: ${changed.map((p) => `${p.plan.lookupKey} ${p.action}`).join(", ")}`,
        );
    })
    .catch((error: unknown) =>
      console.error("Billing catalog sync failed (retried on first use):", error),
    );

  // Every instance schedules it; the lease, kept for the day, lets one of them run it daily.
  // Started from a promise, so an error thrown at once (the database closed by a shutdown in
  // progress) is caught below like any other, not thrown from the timer.
  const resync = () =>
    Promise.resolve()
      .then(() =>
        withLease(db(), "daily-stripe-resync", RESYNC_LEASE_MS, () => resyncAll(db(), stripe()), {
          holdAfterRun: true,
        }),
      )
      .then((outcome) => {
        if (!outcome.ran) return;
        const report = outcome.result;
        if (report.drift.length > 0) {
          console.info(
            `Daily Stripe re-sync corrected ${report.drift.length} difference(s):\n${report.drift.join("\n")}`,
          );
          kickDispatcher();
        }
        for (const error of report.errors) console.error(`Daily Stripe re-sync: ${error}`);
      })
      .catch((error: unknown) => console.error("Daily Stripe re-sync failed:", error));
  setTimeout(() => {
    void resync();
    setInterval(resync, DAY_MS).unref();
  }, FIRST_RESYNC_DELAY_MS).unref();
}
