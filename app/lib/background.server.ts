import { remember } from "@epic-web/remember";
import type Stripe from "stripe";
import { isDatabaseUnavailable } from "../../db/dialect";
import type { DB } from "../../db/schema";
import { runRenewalReminderSweep } from "../access/renewal-reminders.server";
import { catalogPrices } from "../billing/catalog-sync.server";
import { DISPATCH_BATCH_SIZE, dispatchDueEmails } from "../email/dispatcher.server";
import { onEmailQueued } from "../email/outbox.server";
import { transportFromEnv, type EmailTransport } from "../email/transport.server";
import { expireLapsedAccess } from "../payments/sweep.server";
import { now as appNow, systemNow } from "./clock.server";
import { db as appDb } from "./db.server";
import { withLease } from "./lease.server";
import { pruneRateLimits } from "./rate-limit.server";
import { DEFAULT_RETENTION, runRetention, type RetentionPolicy } from "./retention.server";
import { stripe as appStripe } from "./stripe.server";
import { reconcileWithStripe } from "../stripe-events/reconcile.server";
import { log } from "../observability/log.server";
import { errorNameAndMessage } from "./errors";
import { yieldToEventLoop } from "./event-loop";

// Everything the server runs beside requests, started and stopped in one place:
// - the email dispatcher: polls, and is woken after every commit that queued an email;
// - the access sweep every minute: lapsed memberships expire, renewal reminders are queued,
//   old rate-limit windows are pruned;
// - the daily retention job (sent email bodies, old webhook events; decision 10);
// - billing: the catalog made to match Stripe at start, then the daily re-sync from Stripe.
// The server starts it once (entry.server.tsx) and stops it on shutdown; a test starts it with
// its own database and transport and stops it, so the same loops run in both.

export interface BackgroundOptions {
  db?: () => DB;
  /** read on every pass, so a configuration change (the env cache) is picked up */
  transport?: () => EmailTransport;
  stripe?: () => Stripe;
  /** the app's clock, for the access sweep, reminders and the re-sync (the outbox, retention and
   * rate limits run on the machine's time, see clock.server.ts) */
  now?: () => Date;
  /** how often the dispatcher looks for due email (a queued email wakes it sooner) */
  pollMs?: number;
  sweepMs?: number;
  /** how often the retention job runs (daily by default; also once at start) */
  retentionMs?: number;
  retention?: Partial<RetentionPolicy>;
  /** the catalog sync at start and the daily Stripe re-sync (on by default) */
  billing?: boolean;
}

export interface Background {
  /** runs a dispatcher pass soon (a queued email does this by itself after its commit) */
  wake(): void;
  /** resolves once no pass of any loop is running or queued */
  idle(): Promise<void>;
  /** stops every loop and resolves once the passes in progress have finished */
  stop(): Promise<void>;
}

const POLL_MS = 1_000;
const SWEEP_MS = 60_000;
/** Longer than a sweep can take; a crashed instance's lease lapses after it. */
const SWEEP_LEASE_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A little under a day, so the instance whose timer fires first the next day gets it again. */
const DAILY_LEASE_MS = DAY_MS - 10 * 60_000;
/** The first daily re-sync waits a little so boot (and the stand-in) settle first. */
const FIRST_RESYNC_DELAY_MS = 60_000;

const OUTAGE_BACKOFF_MS = 1_000;
const OUTAGE_BACKOFF_CAP_MS = 30_000;

const current = remember("background", () => ({ running: undefined as Background | undefined }));

/**
 * Starts every loop and makes them the process's current ones. Without options: the app's
 * database, Stripe client, clock and the configured transport. A second call while they run
 * returns the running ones (the dev server re-imports entry.server on every change).
 */
export function startBackground(options: BackgroundOptions = {}): Background {
  current.running ??= createBackground(options);
  return current.running;
}

/** Stops the process's current loops, waiting for the passes in progress (shutdown). */
export async function stopBackground(): Promise<void> {
  await current.running?.stop();
}

/**
 * A task run at once (or after `firstAfterMs`), then every `everyMs` (never again when it is
 * undefined), one pass at a time.
 */
interface Loop {
  /** runs a pass now unless one is running (then resolves with it) */
  run(): Promise<void>;
  readonly pass: Promise<void> | undefined;
  stop(): void;
}

function loop(
  name: string,
  task: () => Promise<void>,
  everyMs: number | undefined,
  firstAfterMs: number,
  stopped: () => boolean,
): Loop {
  let pass: Promise<void> | undefined;
  let first: NodeJS.Timeout | undefined;
  let interval: NodeJS.Timeout | undefined;
  // While the database cannot be used, passes are skipped for a growing while (1 s, 2 s ...
  // 30 s) instead of failing every tick; one line says so, one more when it is back.
  let outages = 0;
  let resumeAt = 0;
  const run = (): Promise<void> => {
    if (stopped() || Date.now() < resumeAt) return Promise.resolve();
    // Started from a promise, so an error thrown at once (the database closed by a shutdown
    // in progress) is caught like any other, not thrown from the timer.
    pass ??= Promise.resolve()
      .then(task)
      .then(() => {
        if (outages > 0) log.info({ loop: name }, "Database back: background loop resumed");
        outages = 0;
      })
      .catch((error: unknown) => {
        if (!isDatabaseUnavailable(error)) {
          log.error({ loop: name, err: error }, "Background pass failed");
          return;
        }
        outages++;
        const waitMs = Math.min(OUTAGE_BACKOFF_CAP_MS, OUTAGE_BACKOFF_MS * 2 ** (outages - 1));
        resumeAt = Date.now() + waitMs;
        if (outages === 1 || waitMs === OUTAGE_BACKOFF_CAP_MS)
          log.warn(
            { loop: name, error: errorNameAndMessage(error), retryInMs: waitMs },
            "Database unavailable: background loop backing off",
          );
      })
      .finally(() => {
        pass = undefined;
      });
    return pass;
  };
  const start = () => {
    void run();
    if (everyMs === undefined) return;
    interval = setInterval(() => void run(), everyMs);
    interval.unref();
  };
  if (firstAfterMs > 0) {
    first = setTimeout(start, firstAfterMs);
    first.unref();
  } else start();
  return {
    run,
    get pass() {
      return pass;
    },
    stop() {
      clearTimeout(first);
      clearInterval(interval);
    },
  };
}

function createBackground(options: BackgroundOptions): Background {
  const database = options.db ?? appDb;
  const transport = options.transport ?? transportFromEnv;
  const stripe = options.stripe ?? appStripe;
  const now = options.now ?? appNow;
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, ...options.retention };
  let stopped = false;
  const isStopped = () => stopped;

  // The dispatcher: a wake during a pass runs one more pass after it, and a full batch means
  // more may be due, so a backlog (a burst of confirmations) drains at once.
  let again = false;
  const dispatcher = loop(
    "Email dispatcher run",
    async () => {
      do {
        again = false;
        const { sent, failed } = await dispatchDueEmails(database(), transport(), systemNow);
        if (sent + failed >= DISPATCH_BATCH_SIZE) again = true;
      } while (again && !stopped);
    },
    options.pollMs ?? POLL_MS,
    0,
    isStopped,
  );
  const wake = () => {
    if (stopped) return;
    if (dispatcher.pass) again = true;
    else setImmediate(() => void dispatcher.run());
  };
  const unsubscribe = onEmailQueued(wake);

  // Every instance schedules the sweeps; the lease lets one of them run them at a time.
  const sweep = loop(
    "Access sweep",
    async () => {
      await withLease(database(), "access-sweep", SWEEP_LEASE_MS, async () => {
        await expireLapsedAccess(database(), now())
          .then((count) => {
            if (count > 0) log.info({ expired: count }, "Access sweep: memberships expired");
          })
          .catch((error: unknown) => {
            // the reminders and the pruning below meet the same outage: let the loop back off
            if (isDatabaseUnavailable(error)) throw error;
            log.error({ err: error }, "Access expiry failed");
          });
        await runRenewalReminderSweep(database(), now());
        await pruneRateLimits(database(), systemNow());
      });
    },
    options.sweepMs ?? SWEEP_MS,
    0,
    isStopped,
  );

  // Daily on whichever instance gets the lease first; the lease is kept for the day.
  const retention = loop(
    "Retention job",
    async () => {
      const outcome = await withLease(
        database(),
        "retention",
        DAILY_LEASE_MS,
        () => runRetention(database(), systemNow(), policy),
        { holdAfterRun: true },
      );
      if (!outcome.ran) return;
      const r = outcome.result;
      if (r.emailBodies + r.webhookEvents > 0) {
        log.info(
          { emailBodies: r.emailBodies, webhookEvents: r.webhookEvents, passes: r.passes },
          "Retention: email bodies dropped, webhook events pruned",
        );
      }
    },
    options.retentionMs ?? DAY_MS,
    0,
    isStopped,
  );

  const loops: Loop[] = [dispatcher, sweep, retention];
  if (options.billing ?? true) {
    // Stripe made to match the catalog once at start (retried on first use when it fails).
    loops.push(
      loop(
        "Billing catalog sync (retried on first use)",
        async () => {
          const prices = await catalogPrices(stripe());
          const changed = [...prices.values()].filter((p) => p.action !== "found");
          if (changed.length > 0)
            log.info(
              { prices: changed.map((p) => `${p.plan.lookupKey} ${p.action}`) },
              "Billing catalog changed at Stripe",
            );
        },
        undefined,
        0,
        isStopped,
      ),
    );
    // Every instance schedules it; the lease, kept for the day, lets one of them run it daily.
    loops.push(
      loop(
        "Daily Stripe re-sync",
        async () => {
          const outcome = await withLease(
            database(),
            "daily-stripe-resync",
            DAILY_LEASE_MS,
            () => reconcileWithStripe(database(), stripe(), now),
            { holdAfterRun: true },
          );
          if (!outcome.ran) return;
          const report = outcome.result;
          if (report.drift.length > 0)
            log.info({ corrected: report.drift }, "Daily Stripe re-sync corrected differences");
          for (const error of report.errors)
            log.error({ error }, "Daily Stripe re-sync failed for one customer");
        },
        DAY_MS,
        FIRST_RESYNC_DELAY_MS,
        isStopped,
      ),
    );
  }

  const background: Background = {
    wake,
    async idle() {
      // a wake schedules its pass on setImmediate: let it start before looking
      await yieldToEventLoop();
      while (loops.some((l) => l.pass)) await Promise.all(loops.map((l) => l.pass));
    },
    async stop() {
      stopped = true;
      unsubscribe();
      for (const l of loops) l.stop();
      if (current.running === background) current.running = undefined;
      await Promise.all(loops.map((l) => l.pass));
    },
  };
  return background;
}
