import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { runRenewalReminderSweep } from "../access/renewal-reminders.server";
import { DISPATCH_BATCH_SIZE, dispatchDueEmails } from "../email/dispatcher.server";
import { transportFromEnv, type EmailTransport } from "../email/transport.server";
import { expireLapsedAccess } from "../payments/sweep.server";
import { db as appDb } from "./db.server";
import { withLease } from "./lease.server";
import { pruneRateLimits } from "./rate-limit.server";
import { DEFAULT_RETENTION, runRetention, type RetentionPolicy } from "./retention.server";

// Background work of the server process: the email dispatcher, the access expiry sweep and the
// renewal reminders that follow it, and the daily retention job.
// The server starts it once (entry.server.tsx); a test starts it with its own database and
// transport and stops it, so the same loop runs in both.

type DB = Kysely<Database>;

export interface BackgroundOptions {
  db?: DB;
  /** read on every pass, so a configuration change (the env cache) is picked up */
  transport?: () => EmailTransport;
  now?: () => Date;
  /** how often the dispatcher looks for due email (a kick sends sooner) */
  pollMs?: number;
  sweepMs?: number;
  /** how often the retention job runs (daily by default; also once at start) */
  retentionMs?: number;
  retention?: Partial<RetentionPolicy>;
}

export interface BackgroundJobs {
  /** runs a dispatcher pass soon, e.g. right after an email was queued */
  kick(): void;
  /** resolves once no pass is running or queued */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const POLL_MS = 1_000;
const SWEEP_MS = 60_000;
/** Longer than a sweep can take; a crashed instance's lease lapses after it. */
const SWEEP_LEASE_MS = 5 * 60_000;
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** A little under a day, so the instance whose timer fires first the next day gets it again. */
const RETENTION_LEASE_MS = RETENTION_MS - 10 * 60_000;

const holder = globalThis as typeof globalThis & { __backgroundJobs?: BackgroundJobs };

/**
 * Starts the loops and makes them the process's current jobs (kickDispatcher reaches them).
 * Without options: the app's database and the configured transport. A second call while jobs
 * run returns the running ones (the dev server re-imports entry.server on every change).
 */
export function startBackgroundJobs(options: BackgroundOptions = {}): BackgroundJobs {
  if (holder.__backgroundJobs) return holder.__backgroundJobs;
  const jobs = createBackgroundJobs(options);
  holder.__backgroundJobs = jobs;
  return jobs;
}

/** Stops the process's current jobs, waiting for a pass in progress (shutdown). */
export async function stopBackgroundJobs(): Promise<void> {
  await holder.__backgroundJobs?.stop();
}

/** Sends soon after an enqueue instead of waiting for the next poll. No-op when nothing runs. */
export function kickDispatcher(): void {
  holder.__backgroundJobs?.kick();
}

function createBackgroundJobs(options: BackgroundOptions): BackgroundJobs {
  const database = () => options.db ?? appDb();
  const transport = options.transport ?? transportFromEnv;
  const now = options.now ?? (() => new Date());
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let sweeping: Promise<void> | undefined;
  let retaining: Promise<void> | undefined;
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, ...options.retention };

  const dispatch = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const { sent, failed } = await dispatchDueEmails(database(), transport(), now);
          // A full batch means more may be due: a backlog (a burst of confirmations) drains
          // at once instead of one batch a poll.
          if (sent + failed >= DISPATCH_BATCH_SIZE) again = true;
        } catch (error) {
          console.error("Email dispatcher run failed:", error);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const sweep = (): Promise<void> => {
    if (stopped || sweeping) return sweeping ?? Promise.resolve();
    // Every instance schedules the sweeps; the lease lets one of them run them at a time.
    sweeping = withLease(database(), "access-sweep", SWEEP_LEASE_MS, async () => {
      await expireLapsedAccess(database(), now())
        .then((count) => {
          if (count > 0) console.info(`Access sweep: ${count} membership(s) expired`);
        })
        .catch((error: unknown) => console.error("Access sweep failed:", error));
      await runRenewalReminderSweep(database());
      await pruneRateLimits(database(), now());
    })
      .then(() => undefined)
      .catch((error: unknown) => console.error("Access sweep lease failed:", error))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };

  const retain = (): Promise<void> => {
    if (stopped || retaining) return retaining ?? Promise.resolve();
    // Daily on whichever instance gets the lease first; the lease is kept for the day.
    retaining = withLease(
      database(),
      "retention",
      RETENTION_LEASE_MS,
      () => runRetention(database(), now(), policy),
      { now, holdAfterRun: true },
    )
      .then((outcome) => {
        if (!outcome.ran) return;
        const r = outcome.result;
        if (r.emailBodies + r.webhookEvents > 0) {
          console.info(
            `Retention: ${r.emailBodies} email bodies dropped, ${r.webhookEvents} webhook events pruned (${r.passes} passes)`,
          );
        }
      })
      .catch((error: unknown) => console.error("Retention job failed:", error))
      .finally(() => {
        retaining = undefined;
      });
    return retaining;
  };

  const pollTimer = setInterval(() => void dispatch(), options.pollMs ?? POLL_MS);
  const sweepTimer = setInterval(() => void sweep(), options.sweepMs ?? SWEEP_MS);
  const retentionTimer = setInterval(() => void retain(), options.retentionMs ?? RETENTION_MS);
  pollTimer.unref();
  sweepTimer.unref();
  retentionTimer.unref();
  void dispatch();
  void sweep();
  void retain();

  const jobs: BackgroundJobs = {
    kick() {
      if (!stopped) setImmediate(() => void dispatch());
    },
    async idle() {
      // a kick schedules its pass on setImmediate: let it start before looking
      await new Promise((resolve) => setImmediate(resolve));
      while (running || sweeping || retaining) await Promise.all([running, sweeping, retaining]);
    },
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearInterval(sweepTimer);
      clearInterval(retentionTimer);
      if (holder.__backgroundJobs === jobs) holder.__backgroundJobs = undefined;
      await Promise.all([running, sweeping, retaining]);
    },
  };
  return jobs;
}
