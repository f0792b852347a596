import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAIM_MS, dispatchDueEmails } from "../../app/email/dispatcher.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { setupTestApp, type TestApp } from "../support/app";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { queueStoredEmail } from "../support/emails";

// The dispatcher's less travelled branches, with the real postmark client against a local sink.
let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;

beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url);
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const START = new Date("2026-11-21T10:00:00.000Z");
const later = (ms: number) => new Date(START.getTime() + ms);

async function queue(key: string) {
  await app.db.deleteFrom("email_outbox").execute();
  sink.requests.length = 0;
  await queueStoredEmail(
    app.db,
    {
      dedupeKey: key,
      to: "amina@example.test",
      subject: `Subject ${key}`,
      html: "<p>Hello</p>",
      text: "Hello",
    },
    { dueAt: START },
  );
}
const row = (key: string) =>
  app.db
    .selectFrom("email_outbox")
    .selectAll()
    .where("dedupe_key", "=", key)
    .executeTakeFirstOrThrow();

describe("a crashed sender's claim", () => {
  it("holds the row until it lapses; then another pass sends the email once", async () => {
    await queue("claim:1");
    // A sender claimed the row at START and died before sending or releasing it.
    await sql`update email_outbox set claimed_until = ${later(CLAIM_MS).toISOString()} where dedupe_key = 'claim:1'`.execute(
      app.db,
    );

    expect(await dispatchDueEmails(app.db, postmark, () => later(CLAIM_MS - 1))).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(sink.requests).toHaveLength(0);

    expect(await dispatchDueEmails(app.db, postmark, () => later(CLAIM_MS + 1))).toEqual({
      sent: 1,
      failed: 0,
    });
    expect(await dispatchDueEmails(app.db, postmark, () => later(2 * CLAIM_MS + 2))).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(sink.requests).toHaveLength(1);
    expect(await row("claim:1")).toMatchObject({
      status: "sent",
      attempts: 1,
      claimed_until: null,
    });
  });
});

describe("Postmark's answers", () => {
  it("a 200 carrying a non-zero ErrorCode is not a send: the row stays pending and is retried", async () => {
    await queue("error-code:1");
    sink.answerNext({ status: 200, errorCode: 406, message: "Inactive recipient (in a 200)" });
    expect(await dispatchDueEmails(app.db, postmark, () => START)).toEqual({ sent: 0, failed: 1 });
    const r = await row("error-code:1");
    expect(r).toMatchObject({
      status: "pending",
      attempts: 1,
      provider_message_id: null,
      sent_at: null,
    });
    expect(r.last_error).toMatch(/406/);

    expect(await dispatchDueEmails(app.db, postmark, () => new Date(r.next_attempt_at))).toEqual({
      sent: 1,
      failed: 0,
    });
    expect(await row("error-code:1")).toMatchObject({ status: "sent", attempts: 2 });
  });

  it.each([
    [10, "Bad or missing API token"],
    [400, "Sender signature not found"],
    [401, "Sender signature not confirmed"],
    [412, "Account is pending approval"],
    [1235, "The message stream does not exist"],
  ])("422 with account-level code %i keeps the row pending for a retry", async (code, message) => {
    await queue(`account:${code}`);
    sink.answerNext({ status: 422, errorCode: code, message });
    expect(await dispatchDueEmails(app.db, postmark, () => START)).toEqual({ sent: 0, failed: 1 });
    const r = await row(`account:${code}`);
    expect(r).toMatchObject({ status: "pending", attempts: 1 });
    expect(r.last_error).toContain(message);
    expect(await dispatchDueEmails(app.db, postmark, () => new Date(r.next_attempt_at))).toEqual({
      sent: 1,
      failed: 0,
    });
  });

  it.each([
    [300, "Invalid email request"],
    [406, "You tried to send to a recipient that has been marked as inactive"],
  ])("422 with message-level code %i fails the row after one attempt", async (code, message) => {
    await queue(`message:${code}`);
    sink.answerNext({ status: 422, errorCode: code, message });
    expect(await dispatchDueEmails(app.db, postmark, () => START)).toEqual({ sent: 0, failed: 1 });
    expect(await row(`message:${code}`)).toMatchObject({
      status: "failed",
      attempts: 1,
      sent_at: null,
    });
    expect(await dispatchDueEmails(app.db, postmark, () => later(24 * 60 * 60 * 1000))).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(sink.requests).toHaveLength(1);
  });

  it("413 (message too large) is permanent: failed after one attempt", async () => {
    await queue("too-large:1");
    sink.answerNext({ status: 413, errorCode: 0, message: "Request entity too large" });
    expect(await dispatchDueEmails(app.db, postmark, () => START)).toEqual({ sent: 0, failed: 1 });
    expect(await row("too-large:1")).toMatchObject({ status: "failed", attempts: 1 });
    expect(await dispatchDueEmails(app.db, postmark, () => later(24 * 60 * 60 * 1000))).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(sink.requests).toHaveLength(1);
  });
});
