import { startBillingJobs } from "../billing/jobs.server";
import { startDispatcher } from "../email/dispatcher.server";
import { expireLapsedAccess } from "../payments/sweep.server";
import { db } from "./db.server";

// Background work of the server process: the email dispatcher and the access expiry sweep.
const holder = globalThis as typeof globalThis & { __backgroundStarted?: boolean };

const SWEEP_MS = 60_000;

export function startBackgroundJobs(): void {
  if (holder.__backgroundStarted || process.env.VITEST) return;
  holder.__backgroundStarted = true;

  startDispatcher();
  startBillingJobs();

  const sweep = () =>
    expireLapsedAccess(db())
      .then((count) => {
        if (count > 0) console.info(`Access sweep: ${count} membership(s) expired`);
      })
      .catch((error: unknown) => console.error("Access sweep failed:", error));
  void sweep();
  setInterval(sweep, SWEEP_MS).unref();
}
