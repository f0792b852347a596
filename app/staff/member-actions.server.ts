import Stripe from "stripe";
import type { DB, User } from "../../db/schema";
import { applyAccess, syncSubscription } from "../billing/sync.server";
import { wakeDispatcherAfterCommit } from "../email/outbox.server";
import { writeTransaction } from "../../db/dialect";
import type { Message } from "../i18n/messages";
import { recordAudit } from "./audit.server";
import { staffMessage } from "./text";
import { errorMessage } from "../lib/errors";

// The member page's actions other than refunds and complimentary access. Each writes one audit
// entry keyed by the form's nonce: a resubmitted form is recognised and does nothing twice.

type Staff = Pick<User, "id" | "email">;

/** What an action answers: a staff catalog key the page translates (decision 0022). */
export type ActionOutcome =
  { ok: true; message: Message } | { ok: false; status: 400 | 404 | 409 | 502; message: Message };

/**
 * Cancels a subscription through Stripe, at the period's end or now, then reads it back with
 * the webhook's own sync so the page shows Stripe's state at once (the webhook that follows
 * changes nothing more).
 */
export async function cancelSubscription(
  database: DB,
  stripe: Stripe,
  input: {
    staff: Staff;
    userId: number;
    subscriptionId: string;
    when: "period_end" | "now";
    reason: string;
    requestKey: string;
    now: Date;
  },
): Promise<ActionOutcome> {
  const row = await database
    .selectFrom("subscriptions")
    .selectAll()
    .where("stripe_subscription_id", "=", input.subscriptionId)
    .where("user_id", "=", input.userId)
    .executeTakeFirst();
  if (!row)
    return { ok: false, status: 404, message: staffMessage("staff:messages.noSuchSubscription") };
  const before = {
    status: row.status,
    cancel_at_period_end: row.cancel_at_period_end === 1,
    current_period_end: row.current_period_end,
  };
  const audit = (outcome: "done" | "failed", after: unknown, error?: string) =>
    recordAudit(database, {
      staff: input.staff,
      action: "cancel-subscription",
      targetUserId: input.userId,
      target: input.subscriptionId,
      reason: `${input.when === "now" ? "now" : "at period end"}: ${input.reason}`,
      before,
      after,
      outcome,
      error,
      requestKey: input.requestKey,
      at: input.now,
    });
  const idempotencyKey = `staff-cancel-${input.requestKey}`;
  try {
    if (input.when === "now")
      await stripe.subscriptions.cancel(
        input.subscriptionId,
        { cancellation_details: { comment: input.reason.slice(0, 500) } },
        { idempotencyKey },
      );
    else
      await stripe.subscriptions.update(
        input.subscriptionId,
        {
          cancel_at_period_end: true,
          cancellation_details: { comment: input.reason.slice(0, 500) },
        },
        { idempotencyKey },
      );
  } catch (error) {
    await audit("failed", null, errorMessage(error));
    return {
      ok: false,
      status: 502,
      message: staffMessage("staff:messages.stripeRefused", { message: errorMessage(error) }),
    };
  }
  const result = await syncSubscription(database, stripe, input.subscriptionId, {
    cause: "staff",
    now: input.now,
  });
  const after = await database
    .selectFrom("subscriptions")
    .select(["status", "cancel_at_period_end", "current_period_end"])
    .where("stripe_subscription_id", "=", input.subscriptionId)
    .executeTakeFirst();
  await audit("done", {
    status: after?.status,
    cancel_at_period_end: after?.cancel_at_period_end === 1,
    current_period_end: after?.current_period_end,
    sync: result.kind,
  });
  return {
    ok: true,
    message:
      input.when === "now"
        ? staffMessage("staff:messages.cancelledNow")
        : staffMessage("staff:messages.cancelAtEnd"),
  };
}

/** Re-reads the member's subscriptions and invoices from Stripe (the daily re-sync, for one member). */
export async function resyncMember(
  database: DB,
  stripe: Stripe,
  input: { staff: Staff; userId: number; requestKey: string; now: Date },
): Promise<ActionOutcome> {
  const before = await database
    .selectFrom("users")
    .select(["subscription_status", "access_expires_at"])
    .where("id", "=", input.userId)
    .executeTakeFirstOrThrow();
  const customers = await database
    .selectFrom("stripe_customers")
    .select("stripe_customer_id")
    .where("user_id", "=", input.userId)
    .execute();
  const drift: string[] = [];
  let subscriptions = 0;
  try {
    for (const customer of customers) {
      for await (const subscription of stripe.subscriptions.list({
        customer: customer.stripe_customer_id,
        status: "all",
        limit: 100,
      })) {
        const result = await syncSubscription(database, stripe, subscription.id, {
          cause: "sync",
          now: input.now,
        });
        subscriptions++;
        if (result.kind === "synced") drift.push(...result.drift);
      }
    }
    // Also recomputes access from the paid years and complimentary access (and their ends).
    const accessDrift = await writeTransaction(database, (trx) =>
      applyAccess(trx, input.userId, input.now),
    );
    if (accessDrift) drift.push(accessDrift);
  } catch (error) {
    await recordAudit(database, {
      staff: input.staff,
      action: "resync",
      targetUserId: input.userId,
      target: null,
      before,
      outcome: "failed",
      error: errorMessage(error),
      requestKey: input.requestKey,
      at: input.now,
    });
    const message =
      error instanceof Stripe.errors.StripeError
        ? staffMessage("staff:messages.stripeRefused", { message: error.message })
        : staffMessage("staff:messages.failed", { message: errorMessage(error) });
    return { ok: false, status: 502, message };
  }
  const after = await database
    .selectFrom("users")
    .select(["subscription_status", "access_expires_at"])
    .where("id", "=", input.userId)
    .executeTakeFirstOrThrow();
  await recordAudit(database, {
    staff: input.staff,
    action: "resync",
    targetUserId: input.userId,
    target: `${customers.length} customer(s), ${subscriptions} subscription(s)`,
    before,
    after: { ...after, drift },
    outcome: "done",
    requestKey: input.requestKey,
    at: input.now,
  });
  return {
    ok: true,
    message:
      drift.length === 0
        ? staffMessage("staff:messages.resyncNothing", { n: subscriptions })
        : staffMessage("staff:messages.resyncCorrected", { n: drift.length }),
  };
}

/**
 * Queues a copy of one of the member's emails (a new outbox row, rendered by the dispatcher
 * from the same template and props). An email whose content retention dropped cannot be resent.
 */
export async function resendEmail(
  database: DB,
  input: { staff: Staff; userId: number; emailId: number; requestKey: string; now: Date },
): Promise<ActionOutcome> {
  const user = await database
    .selectFrom("users")
    .select("email")
    .where("id", "=", input.userId)
    .executeTakeFirstOrThrow();
  const original = await database
    .selectFrom("email_outbox")
    .selectAll()
    .where("id", "=", input.emailId)
    .where("to_email", "=", user.email)
    .executeTakeFirst();
  if (!original)
    return { ok: false, status: 404, message: staffMessage("staff:messages.noSuchEmail") };
  const hasTemplate = original.template !== null && original.props !== null;
  const hasBody = original.subject !== null && original.html !== null && original.text !== null;
  if (!hasTemplate && !hasBody)
    return {
      ok: false,
      status: 409,
      message: staffMessage("staff:messages.emailContentDropped"),
    };
  const nowIso = input.now.toISOString();
  await writeTransaction(database, async (trx) => {
    const written = await recordAudit(trx, {
      staff: input.staff,
      action: "resend-email",
      targetUserId: input.userId,
      target: `email ${original.id}`,
      before: { id: original.id, status: original.status, subject: original.subject },
      after: { dedupe_key: `staff-resend:${original.id}:${input.requestKey}` },
      outcome: "done",
      requestKey: input.requestKey,
      at: input.now,
    });
    if (!written) return false;
    await trx
      .insertInto("email_outbox")
      .values({
        dedupe_key: `staff-resend:${original.id}:${input.requestKey}`,
        to_email: original.to_email,
        template: hasTemplate ? original.template : null,
        template_version: hasTemplate ? original.template_version : null,
        props: hasTemplate ? original.props : null,
        subject: hasTemplate ? null : original.subject,
        html: hasTemplate ? null : original.html,
        text: hasTemplate ? null : original.text,
        status: "pending",
        next_attempt_at: nowIso,
        created_at: nowIso,
      })
      .execute();
    wakeDispatcherAfterCommit(trx);
    return true;
  });
  return { ok: true, message: staffMessage("staff:messages.resendQueued") };
}

/** Puts a failed email back in the queue for the dispatcher (attempts kept, backoff reset). */
export async function retryEmail(
  database: DB,
  input: { staff: Staff; emailId: number; requestKey: string; now: Date },
): Promise<ActionOutcome> {
  const nowIso = input.now.toISOString();
  const result = await writeTransaction(database, async (trx) => {
    const email = await trx
      .selectFrom("email_outbox")
      .select(["id", "status", "to_email", "attempts", "last_error"])
      .where("id", "=", input.emailId)
      .executeTakeFirst();
    if (!email) return "missing" as const;
    if (email.status !== "failed") return "not-failed" as const;
    const member = await trx
      .selectFrom("users")
      .select("id")
      .where("email", "=", email.to_email)
      .executeTakeFirst();
    const written = await recordAudit(trx, {
      staff: input.staff,
      action: "retry-email",
      targetUserId: member?.id ?? null,
      target: `email ${email.id}`,
      before: { status: email.status, attempts: email.attempts, last_error: email.last_error },
      after: { status: "pending" },
      outcome: "done",
      requestKey: input.requestKey,
      at: input.now,
    });
    if (!written) return "duplicate" as const;
    await trx
      .updateTable("email_outbox")
      .set({ status: "pending", next_attempt_at: nowIso, claimed_until: null })
      .where("id", "=", email.id)
      .where("status", "=", "failed")
      .execute();
    wakeDispatcherAfterCommit(trx);
    return "queued" as const;
  });
  if (result === "missing")
    return { ok: false, status: 404, message: staffMessage("staff:messages.emailMissing") };
  if (result === "not-failed")
    return { ok: false, status: 409, message: staffMessage("staff:messages.retryOnlyFailed") };
  return { ok: true, message: staffMessage("staff:messages.retryQueued") };
}
