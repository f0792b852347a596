import { writeTransaction } from "../../db/dialect";
import type { DB, Payment, Role } from "../../db/schema";
import type { RenewalReminderKind } from "../../emails/renewal-reminder";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { RENEWAL_WINDOW_DAYS } from "./period";
import { ROLES } from "../lib/roles";
import { planForRole } from "../payments/pricing";
import { RUNNING_SUBSCRIPTION_STATUSES } from "../billing/access-status";
import { yieldToEventLoop } from "../lib/event-loop";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first reminder comes when renewing opens (canPay), the second a week before the end. */
export const FIRST_REMINDER_DAYS = RENEWAL_WINDOW_DAYS;
export const LAST_REMINDER_DAYS = 7;
/** After this long past the end no "ended" email goes out (a server that was down for months stays quiet). */
export const ENDED_REMINDER_WITHIN_DAYS = 30;

/**
 * Which reminder is due for access ending at `accessEndsAt`, as of `now`. Each window runs until
 * the next one opens, so a sweep that missed a window sends only the latest reminder.
 */
export function reminderDue(accessEndsAt: Date, now: Date): RenewalReminderKind | null {
  const left = accessEndsAt.getTime() - now.getTime();
  if (left <= 0) return -left < ENDED_REMINDER_WITHIN_DAYS * DAY_MS ? "ended" : null;
  if (left <= LAST_REMINDER_DAYS * DAY_MS) return "7-days";
  if (left <= FIRST_REMINDER_DAYS * DAY_MS) return "30-days";
  return null;
}

// The plans paid once for a year.
const ONE_TIME_ANNUAL_PLANS: ReadonlySet<string> = new Set(
  ROLES.map((role) => planForRole(role, "usd").id),
);

/**
 * Whether the payment that bought the current access period earns renewal reminders: only a
 * one-time annual payment. An auto-renewing plan renews by itself (its plan id is not in
 * ONE_TIME_ANNUAL_PLANS), so its members get none.
 */
export function earnsRenewalReminders(payment: Pick<Payment, "plan" | "status">): boolean {
  return payment.status === "paid" && ONE_TIME_ANNUAL_PLANS.has(payment.plan);
}

/** One email per user, kind and access period: a renewal moves access_expires_at and starts afresh. */
export function reminderDedupeKey(
  userId: number,
  kind: RenewalReminderKind,
  accessExpiresAt: string,
): string {
  return `renewal-reminder:${userId}:${kind}:${accessExpiresAt}`;
}

export interface DueReminder {
  userId: number;
  email: string;
  name: string;
  role: Role;
  accessExpiresAt: string;
  kind: RenewalReminderKind;
  dedupeKey: string;
}

/** How many members one step of the sweep handles: one read of their keys, one write transaction. */
const SWEEP_CHUNK = 200;

interface Candidate {
  id: number;
  email: string;
  name: string;
  role: Role;
  access_expires_at: string | null;
}

/**
 * Members whose access ends within the first reminder window or ended recently, a page at a
 * time in the order of the access index (keyset on end then id), so no read holds the
 * (synchronous) SQLite driver for long.
 */
async function* reminderCandidates(db: DB, now: Date): AsyncGenerator<Candidate[]> {
  const from = new Date(now.getTime() - ENDED_REMINDER_WITHIN_DAYS * DAY_MS).toISOString();
  const to = new Date(now.getTime() + FIRST_REMINDER_DAYS * DAY_MS).toISOString();
  let after: { end: string; id: number } | null = null;
  for (;;) {
    const cursor: { end: string; id: number } | null = after;
    const page: Candidate[] = await db
      .selectFrom("users")
      .select(["id", "email", "name", "role", "access_expires_at"])
      .where("subscription_status", "in", ["ACTIVE", "EXPIRED"])
      .where("access_expires_at", "is not", null)
      .where("access_expires_at", ">", from)
      .where("access_expires_at", "<=", to)
      .$if(cursor !== null, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb("access_expires_at", ">", cursor!.end),
            eb.and([eb("access_expires_at", "=", cursor!.end), eb("id", ">", cursor!.id)]),
          ]),
        ),
      )
      .orderBy("access_expires_at")
      .orderBy("id")
      .limit(SWEEP_CHUNK)
      .execute();
    if (page.length > 0) yield page;
    if (page.length < SWEEP_CHUNK) return;
    const last = page[page.length - 1]!;
    after = { end: last.access_expires_at!, id: last.id };
  }
}

/** The reminder each candidate is due at `now`, before asking what bought their period. */
function dueFor(candidates: Candidate[], now: Date): DueReminder[] {
  const due: DueReminder[] = [];
  for (const row of candidates) {
    if (!row.access_expires_at) continue;
    const kind = reminderDue(new Date(row.access_expires_at), now);
    if (!kind) continue;
    due.push({
      userId: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      accessExpiresAt: row.access_expires_at,
      kind,
      dedupeKey: reminderDedupeKey(row.id, kind, row.access_expires_at),
    });
  }
  return due;
}

/**
 * Of `due` (one chunk), those whose period was bought by a one-time annual payment (the latest
 * paid one) and who have no running subscription (that renews by itself).
 */
async function earningReminders(db: DB, due: DueReminder[]): Promise<DueReminder[]> {
  if (due.length === 0) return [];
  const ids = due.map((reminder) => reminder.userId);
  const [paid, subscribed] = await Promise.all([
    db
      .selectFrom("payments")
      .select(["user_id", "plan", "status", "access_ends_at", "id"])
      .where("user_id", "in", ids)
      .where("status", "=", "paid")
      .execute(),
    db
      .selectFrom("subscriptions")
      .select("user_id")
      .where("user_id", "in", ids)
      .where("status", "in", RUNNING_SUBSCRIPTION_STATUSES)
      .execute(),
  ]);
  const renewsByItself = new Set(subscribed.map((row) => row.user_id));
  // The latest paid payment (by the end of what it bought, then id) bought the current period.
  const latest = new Map<number, (typeof paid)[number]>();
  for (const payment of paid) {
    const seen = latest.get(payment.user_id);
    if (!seen || comparePeriods(payment, seen) > 0) latest.set(payment.user_id, payment);
  }
  return due.filter((reminder) => {
    const payment = latest.get(reminder.userId);
    return (
      !renewsByItself.has(reminder.userId) &&
      payment !== undefined &&
      earnsRenewalReminders(payment)
    );
  });
}

function comparePeriods(
  a: { access_ends_at: string | null; id: number },
  b: { access_ends_at: string | null; id: number },
): number {
  const byEnd = (a.access_ends_at ?? "").localeCompare(b.access_ends_at ?? "");
  return byEnd !== 0 ? byEnd : a.id - b.id;
}

/** Members whose paid year ends within the first reminder window or ended recently, with the reminder due. */
export async function findDueReminders(db: DB, now: Date): Promise<DueReminder[]> {
  const earning: DueReminder[] = [];
  for await (const page of reminderCandidates(db, now))
    earning.push(...(await earningReminders(db, dueFor(page, now))));
  return earning.sort((a, b) => a.userId - b.userId);
}

/**
 * Queues every reminder due at `now` through the outbox; answers how many were new. Safe to run
 * concurrently: the outbox's unique dedupe key keeps one email per key, whoever inserts first.
 *
 * The sweep runs every minute and most reminders it finds were queued by an earlier pass, so it
 * first drops those whose key the outbox already has (a unique-index read), and only then asks
 * what bought the period. Each chunk's new emails go in one write transaction (one commit, not
 * one per email), and the event loop gets a turn between chunks: SQLite's driver is synchronous,
 * and a sweep over thousands of members must not hold requests for seconds.
 */
export async function queueRenewalReminders(db: DB, now: Date): Promise<number> {
  let queued = 0;
  for await (const page of reminderCandidates(db, now)) {
    const chunk = dueFor(page, now);
    const known = new Set(
      (
        await db
          .selectFrom("email_outbox")
          .select("dedupe_key")
          .where(
            "dedupe_key",
            "in",
            chunk.map((reminder) => reminder.dedupeKey),
          )
          .execute()
      ).map((row) => row.dedupe_key),
    );
    const fresh = await earningReminders(
      db,
      chunk.filter((reminder) => !known.has(reminder.dedupeKey)),
    );
    if (fresh.length > 0) queued += await enqueueReminders(db, fresh);
    await yieldToEventLoop();
  }
  return queued;
}

async function enqueueReminders(db: DB, reminders: DueReminder[]): Promise<number> {
  return writeTransaction(db, async (trx) => {
    let queued = 0;
    for (const reminder of reminders) {
      const plan = planForRole(reminder.role, env().pricingCurrency);
      const props = {
        kind: reminder.kind,
        name: reminder.name,
        plan: plan.id,
        planName: plan.name,
        // written in the member's language when the dispatcher sends it
        accessEndsOn: reminder.accessExpiresAt,
        paymentUrl: `${env().appUrl}/dashboard/${reminder.role}/payment`,
      };
      // Rendered by the dispatcher when it sends. The outbox schedules on the system time its
      // dispatcher reads, not on the app's clock.
      const isNew = await enqueueEmail(trx, {
        dedupeKey: reminder.dedupeKey,
        to: reminder.email,
        template: "renewal-reminder",
        props,
      });
      if (isNew) queued++;
    }
    return queued;
  });
}

/** The periodic sweep's step: queue due reminders in the server's database, never throwing. */
export async function runRenewalReminderSweep(db: DB, now: Date): Promise<void> {
  try {
    const count = await queueRenewalReminders(db, now);
    if (count > 0) console.info(`Renewal reminders: ${count} queued`);
  } catch (error) {
    console.error("Renewal reminders failed:", error);
  }
}
