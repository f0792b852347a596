import { startDispatcher } from "../email/dispatcher.server";
import { expireLapsedAccess } from "../payments/sweep.server";
import { db, drainDatabaseOnShutdown } from "./db.server";
import { withLease } from "./lease.server";

// Background work of the server process: the email dispatcher and the access expiry sweep.
const holder = globalThis as typeof globalThis & { __backgroundStarted?: boolean };

const SWEEP_MS = 60_000;
const SWEEP_LEASE_MS = 5 * 60_000;

export function startBackgroundJobs(): void {
  if (holder.__backgroundStarted || process.env.VITEST) return;
  holder.__backgroundStarted = true;
  drainDatabaseOnShutdown();

  startDispatcher();

  // Every instance schedules the sweep; the lease lets one of them run it at a time.
  const sweep = () =>
    withLease(db(), "access-sweep", SWEEP_LEASE_MS, () => expireLapsedAccess(db()))
      .then((outcome) => {
        if (outcome.ran && outcome.result > 0) console.info(`Access sweep: ${outcome.result} membership(s) expired`);
      })
      .catch((error: unknown) => console.error("Access sweep failed:", error));
  void sweep();
  setInterval(sweep, SWEEP_MS).unref();
}
