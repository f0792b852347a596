import type { DB, Payment, Role } from "../../db/schema";
import type { RenewalReminderKind } from "../../emails/renewal-reminder";
import { enqueueEmail } from "../email/outbox.server";
import { env } from "../lib/env.server";
import { RENEWAL_WINDOW_DAYS } from "../payments/access";
import { planForRole, ROLES } from "../payments/pricing";
import { RUNNING_SUBSCRIPTION_STATUSES } from "../billing/access-status";

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

/** Members whose paid year ends within the first reminder window or ended recently, with the reminder due. */
export async function findDueReminders(db: DB, now: Date): Promise<DueReminder[]> {
  const rows = await db
    .selectFrom("users")
    .select((eb) => [
      "users.id",
      "users.email",
      "users.name",
      "users.role",
      "users.access_expires_at",
      // The latest paid payment is the one that bought the current period.
      eb
        .selectFrom("payments")
        .select("payments.plan")
        .whereRef("payments.user_id", "=", "users.id")
        .where("payments.status", "=", "paid")
        .orderBy("payments.access_ends_at", "desc")
        .orderBy("payments.id", "desc")
        .limit(1)
        .as("plan"),
    ])
    .where("users.subscription_status", "in", ["ACTIVE", "EXPIRED"])
    // A member with a subscription that still runs renews by itself (its period end is access_expires_at).
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("subscriptions")
            .select("subscriptions.id")
            .whereRef("subscriptions.user_id", "=", "users.id")
            .where("subscriptions.status", "in", RUNNING_SUBSCRIPTION_STATUSES),
        ),
      ),
    )
    .where("users.access_expires_at", "is not", null)
    .where(
      "users.access_expires_at",
      ">",
      new Date(now.getTime() - ENDED_REMINDER_WITHIN_DAYS * DAY_MS).toISOString(),
    )
    .where(
      "users.access_expires_at",
      "<=",
      new Date(now.getTime() + FIRST_REMINDER_DAYS * DAY_MS).toISOString(),
    )
    .orderBy("users.id")
    .execute();

  const due: DueReminder[] = [];
  for (const row of rows) {
    if (
      !row.access_expires_at ||
      !row.plan ||
      !earnsRenewalReminders({ plan: row.plan, status: "paid" })
    )
      continue;
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
 * Queues every reminder due at `now` through the outbox; answers how many were new. Safe to run
 * concurrently: the outbox's unique dedupe key keeps one email per key, whoever inserts first.
 */
export async function queueRenewalReminders(db: DB, now: Date): Promise<number> {
  let queued = 0;
  for (const reminder of await findDueReminders(db, now)) {
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
    if (
      await enqueueEmail(db, {
        dedupeKey: reminder.dedupeKey,
        to: reminder.email,
        template: "renewal-reminder",
        props,
      })
    )
      queued++;
  }
  return queued;
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
