import { data } from "@remix-run/node";
import { z } from "zod";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm } from "../lib/forms.server";
import { stripe } from "../lib/stripe.server";
import type { Message } from "../i18n/messages";
import { formNonce, nonceField, reasonField } from "./audit.server";
import { futureDate, grantComplimentaryAccess } from "./complimentary.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, requireStaffAction, STAFF_HEADERS, staffNotFound } from "./guard.server";
import { memberDetail } from "./member-detail.server";
import { cancelSubscription, resendEmail, resyncMember } from "./member-actions.server";
import { parseId } from "./members.server";
import { confirmPassword, needsPassword } from "./reauth.server";
import { refundablePayments, refundAction } from "./refunds.server";
import { st } from "./text.server";
import { staffMessage } from "./text";

/** The last day (YYYY-MM-DD, UTC) of access that ends at `endsAt` (exclusive). */
function lastDay(endsAt: string): string {
  return new Date(Date.parse(endsAt) - 1).toISOString().slice(0, 10);
}

/** The member page's data: everything about the member, and a fresh nonce for its forms. */
export async function memberPageLoader(request: Request, params: { id?: string }) {
  const session = await requireStaff(request);
  const f = await requestWords(request);
  const id = parseId(params.id);
  const eventsBefore = parseId(new URL(request.url).searchParams.get("events"));
  const detail = id === null ? null : await memberDetail(db(), id, eventsBefore);
  if (!detail) throw staffNotFound(st("staff:member.notFound"));
  const now = clockNow();
  const refundable = await refundablePayments(db(), detail.payments);
  const runningComp = detail.complimentary.find((c) => Date.parse(c.ends_at) > now.getTime());
  return data(
    {
      nonce: formNonce(),
      passwordNeeded: needsPassword(session, now),
      today: now.toISOString().slice(0, 10),
      user: {
        ...detail.user,
        accessUntil: detail.user.access_expires_at ? f.date(detail.user.access_expires_at) : null,
        since: f.date(detail.user.created_at),
        complimentaryUntil: runningComp ? f.day(lastDay(runningComp.ends_at)) : null,
      },
      customers: detail.customers,
      payments: detail.payments.map((p) => ({
        id: p.id,
        date: f.date(p.paid_at ?? p.created_at),
        plan: p.plan,
        amount: f.money(p),
        status: p.status,
        paymentIntent: p.stripe_payment_intent_id,
        session: p.stripe_checkout_session_id,
        invoice: p.stripe_invoice_id,
        refundable: refundable.get(p.id) ?? null,
      })),
      subscriptions: detail.subscriptions.map((s) => ({
        id: s.stripe_subscription_id,
        plan: s.plan,
        amount: f.money(s),
        status: s.status,
        periodEnd: s.current_period_end ? f.date(s.current_period_end) : null,
        cancelAtPeriodEnd: s.cancel_at_period_end === 1,
        running: ["trialing", "active", "past_due", "unpaid", "incomplete", "paused"].includes(
          s.status,
        ),
      })),
      invoices: detail.invoices.map((i) => ({
        id: i.stripe_invoice_id,
        number: i.number,
        status: i.status,
        amount: f.money({ amount: i.amount_paid || i.amount_due, currency: i.currency }),
        date: f.date(i.stripe_created_at),
        hosted: i.hosted_invoice_url,
        pdf: i.invoice_pdf,
      })),
      emails: detail.emails.map((e) => ({
        id: e.id,
        subject: e.subject ?? e.template ?? e.dedupe_key,
        status: e.status,
        attempts: e.attempts,
        lastError: e.last_error,
        created: f.dateTime(e.created_at),
        sent: e.sent_at ? f.dateTime(e.sent_at) : null,
        resendable: (e.template !== null && e.props !== null) || e.html !== null,
      })),
      complimentary: detail.complimentary.map((c) => ({
        id: c.id,
        from: f.date(c.starts_at),
        until: f.day(lastDay(c.ends_at)),
        reason: c.reason,
        running: Date.parse(c.ends_at) > now.getTime(),
      })),
      history: detail.history.map((h) => ({
        id: h.id,
        at: f.dateTime(h.at),
        subscription: h.stripe_subscription_id,
        from: h.from_status,
        to: h.to_status,
        cause: h.cause,
      })),
      events: detail.events.map((e) => ({
        id: e.event_id,
        type: e.event_type,
        processed: e.processed === 1,
        at: f.dateTime(e.created_at),
        error: e.error_message,
      })),
      eventsNextPath:
        detail.eventsNext === null
          ? null
          : `/staff/members/${detail.user.id}?events=${detail.eventsNext}#events`,
      eventsFirstPath: eventsBefore === null ? null : `/staff/members/${detail.user.id}#events`,
      audit: detail.audit.map((a) => ({
        id: a.id,
        at: f.dateTime(a.at),
        who: a.staff_email,
        action: a.action,
        target: a.target,
        reason: a.reason,
        outcome: a.outcome,
        error: a.error,
        before: a.before_json,
        after: a.after_json,
      })),
    },
    { headers: STAFF_HEADERS },
  );
}

const base = { nonce: nonceField, password: z.string().max(200).optional() };
const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("refund"),
    ...base,
    payment: z.string().max(20),
    amount: z.string().max(20),
    reason: reasonField,
  }),
  z.object({
    intent: z.literal("cancel"),
    ...base,
    subscription: z
      .string()
      .regex(/^sub_[A-Za-z0-9_]{1,200}$/, "staff:messages.chooseSubscription"),
    when: z.enum(["period_end", "now"], { message: "staff:messages.chooseWhen" }),
    reason: reasonField,
  }),
  z.object({
    intent: z.literal("complimentary"),
    ...base,
    until: z.string().max(20),
    reason: reasonField,
  }),
  z.object({ intent: z.literal("resync"), ...base }),
  z.object({ intent: z.literal("resend"), ...base, email: z.string().max(20) }),
]);

export type MemberActionData = {
  ok: boolean;
  intent: string | null;
  /** a staff catalog key (decision 0022): the page translates it */
  message: Message | null;
  fieldErrors: Record<string, Message>;
};

function answer(status: number, body: Partial<MemberActionData>) {
  return data<MemberActionData>(
    { ok: status < 400, intent: null, message: null, fieldErrors: {}, ...body },
    { status, headers: STAFF_HEADERS },
  );
}

const MONEY_INTENTS = new Set(["refund", "cancel", "complimentary"]);

/** The member page's actions: cross-site refused, staff only, bounded, audited. */
export async function memberPageAction(request: Request, params: { id?: string }) {
  const session = await requireStaffAction(request);
  const id = parseId(params.id);
  const member =
    id === null
      ? undefined
      : await db()
          .selectFrom("users")
          .select(["id", "email"])
          .where("id", "=", id)
          .executeTakeFirst();
  if (!member) throw staffNotFound(st("staff:member.notFound"));
  const parsed = parseForm(actionSchema, session.form);
  const intentValue = session.form.get("intent");
  const intent = typeof intentValue === "string" ? intentValue.slice(0, 20) : null;
  if (!parsed.ok)
    return answer(400, {
      intent,
      fieldErrors: parsed.fieldErrors,
      message: Object.values(parsed.fieldErrors)[0] ?? null,
    });
  const form = parsed.data;
  const f = await requestWords(request);
  const now = clockNow();
  if (MONEY_INTENTS.has(form.intent)) {
    const proof = await confirmPassword(db(), session, form.password, now);
    if (!proof.ok) {
      const message =
        proof.message === "password-wrong"
          ? staffMessage("staff:common.passwordWrong")
          : staffMessage("staff:common.passwordRequired");
      return answer(401, { intent, fieldErrors: { password: message }, message });
    }
  }
  const staff = session.staff;
  switch (form.intent) {
    case "complimentary": {
      const until = futureDate(form.until, now);
      if (!until)
        return answer(400, {
          intent,
          fieldErrors: { until: staffMessage("staff:member.pastDate") },
          message: staffMessage("staff:member.pastDate"),
        });
      const result = await grantComplimentaryAccess(db(), {
        staff,
        userId: member.id,
        until,
        reason: form.reason,
        requestKey: `${form.nonce}:complimentary`,
        now,
      });
      return answer(200, {
        intent,
        message:
          result.kind === "duplicate"
            ? staffMessage("staff:common.alreadyDone")
            : staffMessage("staff:member.grantDone", { date: f.day(until) }),
      });
    }
    case "cancel": {
      const result = await cancelSubscription(db(), stripe(), {
        staff,
        userId: member.id,
        subscriptionId: form.subscription,
        when: form.when,
        reason: form.reason,
        requestKey: `${form.nonce}:cancel:${form.subscription}`,
        now,
      });
      return answer(result.ok ? 200 : result.status, { intent, message: result.message });
    }
    case "resync": {
      const result = await resyncMember(db(), stripe(), {
        staff,
        userId: member.id,
        requestKey: `${form.nonce}:resync`,
        now,
      });
      return answer(result.ok ? 200 : result.status, { intent, message: result.message });
    }
    case "resend": {
      const emailId = parseId(form.email);
      if (emailId === null)
        return answer(404, { intent, message: staffMessage("staff:messages.noSuchEmail") });
      const result = await resendEmail(db(), {
        staff,
        userId: member.id,
        emailId,
        requestKey: `${form.nonce}:resend:${emailId}`,
        now,
      });
      return answer(result.ok ? 200 : result.status, { intent, message: result.message });
    }
    case "refund": {
      const result = await refundAction(db(), stripe(), {
        staff,
        userId: member.id,
        paymentId: parseId(form.payment),
        amount: form.amount,
        reason: form.reason,
        requestKey: `${form.nonce}:refund:${form.payment}`,
        now,
        language: f.language,
      });
      return answer(result.ok ? 200 : result.status, {
        intent,
        message: result.message,
        fieldErrors: result.ok ? {} : (result.fieldErrors ?? {}),
      });
    }
  }
}
