import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { action as eventsAction, loader as eventsLoader } from "../../app/routes/staff.events";
import {
  action as emailsAction,
  loader as emailsLoader,
} from "../../app/routes/staff.emails._index";
import { loader as emailLoader } from "../../app/routes/staff.emails.$id";
import { loader as emailHtmlLoader } from "../../app/routes/staff.emails.$id_.html";
import type { Message } from "../../app/i18n/messages";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";
import { args, getRequest, run } from "../support/requests";
import { auditRows, english, nonce, plainMember, staffMember, staffPost } from "../support/staff";

let app: TestAppWithStripe;
let db: Kysely<Database>;
let staff: Awaited<ReturnType<typeof staffMember>>;
let member: Awaited<ReturnType<typeof plainMember>>;

beforeAll(async () => {
  app = await setupTestAppWithStripe();
  db = app.db;
  staff = await staffMember(db);
  member = await plainMember(db);
});
afterAll(async () => {
  await app.close();
});

type Loader = (a: ReturnType<typeof args>) => Promise<unknown>;

async function ledgerRow(eventId: string) {
  return db
    .selectFrom("stripe_webhook_events")
    .selectAll()
    .where("event_id", "=", eventId)
    .executeTakeFirstOrThrow();
}

/** A real event at the stand-in (customer.created), recorded in the ledger as failed. */
async function failedEvent(): Promise<string> {
  const customer = await app.stripe.customers.create({ email: `c${Date.now()}@example.test` });
  const events = await app.stripe.events.list({ type: "customer.created", limit: 100 });
  const event = events.data.find((e) => (e.data.object as { id: string }).id === customer.id)!;
  const result = await processVerifiedEvent(event, {
    db,
    now: new Date(),
    source: "webhook",
    onEffectsApplied: () => {
      throw new Error("database hiccup");
    },
  });
  expect(result.ok).toBe(false);
  return event.id;
}

function replay(eventId: string, key = nonce(), cookie = staff.cookie, origin?: string) {
  return run<{ ok: boolean; message: Message | null }>(() =>
    eventsAction(
      args(
        staffPost(
          "/staff/events",
          { intent: "replay", nonce: key, event: eventId },
          cookie,
          origin,
        ),
      ),
    ),
  );
}

describe("/staff/events", () => {
  it("lists failed and unprocessed events before processed ones", async () => {
    const eventId = await failedEvent();
    const page = await run<{ pending: { eventId: string; error: string | null }[] }>(() =>
      eventsLoader(args(getRequest("/staff/events", staff.cookie))),
    );
    expect(page.status).toBe(200);
    expect(page.headers.get("Cache-Control")).toBe("private, no-store");
    expect(page.data!.pending[0]).toMatchObject({ eventId });
    expect(page.data!.pending[0]!.error).toContain("database hiccup");
  });

  it("Replay of a failed event re-reads it from Stripe and processes it, audited", async () => {
    const eventId = await failedEvent();
    const outcome = await replay(eventId);
    expect(outcome.status).toBe(200);
    expect(english(outcome.data?.message)).toBe(`Event ${eventId} processed.`);
    const row = await ledgerRow(eventId);
    expect(row.processed).toBe(1);
    expect(row.attempt_count).toBe(2);
    const audit = (await auditRows(db)).at(-1)!;
    expect(audit).toMatchObject({
      action: "replay-event",
      outcome: "done",
      staff_user_id: staff.user.id,
    });
    expect(audit.target).toContain(eventId);
    expect(JSON.parse(audit.before_json!)).toMatchObject({ processed: 0 });
    expect(JSON.parse(audit.after_json!)).toMatchObject({ processed: 1, result: "processed" });
  });

  it("Replay of a processed event changes nothing", async () => {
    const eventId = await failedEvent();
    expect((await replay(eventId)).status).toBe(200);
    const before = await ledgerRow(eventId);
    const again = await replay(eventId);
    expect(again.status).toBe(200);
    expect(english(again.data?.message)).toContain("already processed");
    const after = await ledgerRow(eventId);
    expect(after.processed).toBe(1);
    expect(after.attempt_count).toBe(before.attempt_count);
    expect(after.processed_at).toBe(before.processed_at);
    expect(JSON.parse((await auditRows(db)).at(-1)!.after_json!)).toMatchObject({
      result: "duplicate",
    });
  });

  it("an event id the ledger does not hold is 404; a malformed one 400; Stripe's refusal is audited as failed", async () => {
    expect((await replay("evt_unknown_123")).status).toBe(404);
    expect((await replay("not-an-event")).status).toBe(400);
    await db
      .insertInto("stripe_webhook_events")
      .values({
        event_id: "evt_gone_at_stripe",
        event_type: "invoice.paid",
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const gone = await replay("evt_gone_at_stripe");
    expect(gone.status).toBe(502);
    expect(english(gone.data?.message)).toMatch(/^Stripe could not give the event: /);
    expect((await auditRows(db)).at(-1)).toMatchObject({
      action: "replay-event",
      outcome: "failed",
    });
  });

  it("refuses a cross-site POST, a member and a visitor, changing nothing", async () => {
    const eventId = await failedEvent();
    const count = (await auditRows(db)).length;
    expect((await replay(eventId, nonce(), staff.cookie, "https://evil.example")).status).toBe(403);
    expect((await replay(eventId, nonce(), member.cookie)).status).toBe(404);
    expect((await replay(eventId, nonce(), "")).status).toBe(302);
    expect((await ledgerRow(eventId)).processed).toBe(0);
    expect((await auditRows(db)).length).toBe(count);
  });
});

async function outboxRow(
  status: "failed" | "sent" | "pending",
  extra: Partial<{ html: string; subject: string; text: string }> = {},
) {
  const now = new Date().toISOString();
  return db
    .insertInto("email_outbox")
    .values({
      dedupe_key: `test:${nonce()}`,
      to_email: member.user.email,
      subject: extra.subject ?? "Your receipt",
      html: extra.html ?? "<p>Hello <script>alert(1)</script></p>",
      text: extra.text ?? "Hello",
      status,
      attempts: status === "failed" ? 8 : 1,
      last_error: status === "failed" ? "Postmark 500" : null,
      next_attempt_at: now,
      created_at: now,
      sent_at: status === "sent" ? now : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

function retry(id: number, key = nonce(), cookie = staff.cookie, origin?: string) {
  return run<{ ok: boolean; message: Message | null }>(() =>
    emailsAction(
      args(
        staffPost(
          "/staff/emails",
          { intent: "retry", nonce: key, email: String(id) },
          cookie,
          origin,
        ),
      ),
    ),
  );
}

describe("/staff/emails", () => {
  it("lists failed, pending and sent emails; Retry puts a failed one back in the queue, once, audited", async () => {
    const failed = await outboxRow("failed");
    const page = await run<{ sections: { status: string; emails: { id: number }[] }[] }>(() =>
      emailsLoader(args(getRequest("/staff/emails", staff.cookie))),
    );
    expect(page.data!.sections.map((s) => s.status)).toEqual(["failed", "pending", "sent"]);
    expect(page.data!.sections[0]!.emails[0]!.id).toBe(failed.id);

    const key = nonce();
    expect((await retry(failed.id, key)).status).toBe(200);
    expect((await retry(failed.id, key)).status).toBe(409); // no longer failed: nothing more
    const row = await db
      .selectFrom("email_outbox")
      .selectAll()
      .where("id", "=", failed.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    const audit = (await auditRows(db)).filter((a) => a.action === "retry-email");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      target_user_id: member.user.id,
      target: `email ${failed.id}`,
      outcome: "done",
    });
  });

  it("Retry refuses a sent email (409), an unknown one (404), cross-site (403), members (404)", async () => {
    const sent = await outboxRow("sent");
    const failed = await outboxRow("failed");
    expect((await retry(sent.id)).status).toBe(409);
    expect((await retry(99999999)).status).toBe(404);
    expect((await retry(failed.id, nonce(), staff.cookie, "https://evil.example")).status).toBe(
      403,
    );
    expect((await retry(failed.id, nonce(), member.cookie)).status).toBe(404);
    expect((await retry(failed.id, nonce(), "")).status).toBe(302);
    const row = await db
      .selectFrom("email_outbox")
      .select("status")
      .where("id", "=", failed.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
  });

  it("shows an email and serves its HTML sandboxed; unknown ids are 404", async () => {
    const sent = await outboxRow("sent", { subject: "Receipt 42", text: "Thanks for 300 MAD" });
    const page = await run<{ subject: string; text: string }>(() =>
      emailLoader(
        args(getRequest(`/staff/emails/${sent.id}`, staff.cookie), { id: String(sent.id) }),
      ),
    );
    expect(page.data).toMatchObject({ subject: "Receipt 42", text: "Thanks for 300 MAD" });
    const html = await run(() =>
      (emailHtmlLoader as Loader)(
        args(getRequest(`/staff/emails/${sent.id}/html`, staff.cookie), { id: String(sent.id) }),
      ),
    );
    expect(html.status).toBe(200);
    expect(html.headers.get("Content-Security-Policy")).toMatch(/^sandbox;/);
    expect(html.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await html.response!.text()).toContain("Hello");
    for (const loader of [emailLoader, emailHtmlLoader] as Loader[]) {
      expect(
        (
          await run(() =>
            loader(args(getRequest("/staff/emails/999999", staff.cookie), { id: "999999" })),
          )
        ).status,
      ).toBe(404);
      expect(
        (
          await run(() =>
            loader(
              args(getRequest(`/staff/emails/${sent.id}`, member.cookie), { id: String(sent.id) }),
            ),
          )
        ).status,
      ).toBe(404);
      expect(
        (
          await run(() =>
            loader(args(getRequest(`/staff/emails/${sent.id}`), { id: String(sent.id) })),
          )
        ).status,
      ).toBe(302);
    }
  });
});
