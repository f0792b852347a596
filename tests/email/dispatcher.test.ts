import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, dispatchDueEmails } from "../../app/email/dispatcher.server";
import {
  devMailboxTransport,
  transportFromEnv,
  type EmailTransport,
} from "../../app/email/transport.server";
import { loader as mailboxLoader } from "../../app/routes/dev.mailbox";
import { setupTestApp, type TestApp } from "../support/app";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { loopbackGetRequest } from "../support/loopback";
import { args } from "../support/requests";
import { queueStoredEmail } from "../support/emails";

let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;

beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url, "Talents Acting <no-reply@example.test>");
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const email = (key: string, to = "amina@example.test") => ({
  dedupeKey: key,
  to,
  subject: `Subject ${key}`,
  html: "<p>Hello</p>",
  text: "Hello",
});
const row = (key: string) =>
  app.db
    .selectFrom("email_outbox")
    .selectAll()
    .where("dedupe_key", "=", key)
    .executeTakeFirstOrThrow();

describe("outbox", () => {
  it("enqueues one email per dedupe key", async () => {
    expect(await queueStoredEmail(app.db, email("dedupe:1"))).toBe(true);
    expect(await queueStoredEmail(app.db, email("dedupe:1"))).toBe(false);
    const rows = await app.db
      .selectFrom("email_outbox")
      .select("id")
      .where("dedupe_key", "=", "dedupe:1")
      .execute();
    expect(rows).toHaveLength(1);
    await app.db.deleteFrom("email_outbox").execute();
  });
});

describe("dispatcher with the real postmark client", () => {
  it("retries after Postmark 500s with backoff and sends once", async () => {
    await app.db.deleteFrom("email_outbox").execute();
    const start = new Date("2026-11-21T10:00:00.000Z");
    await queueStoredEmail(app.db, email("payment-confirmation:42"), { dueAt: start });
    sink.requests.length = 0;
    sink.failNext(500, 500);

    let clock = start;
    const now = () => clock;
    expect(await dispatchDueEmails(app.db, postmark, now)).toEqual({ sent: 0, failed: 1 });
    let r = await row("payment-confirmation:42");
    expect(r).toMatchObject({ status: "pending", attempts: 1, claimed_until: null });
    expect(r.last_error).toMatch(/Internal server error/);
    expect(r.next_attempt_at).toBe(new Date(start.getTime() + backoffMs(1)).toISOString());

    // Not due yet: nothing is sent before the backoff runs out.
    expect(await dispatchDueEmails(app.db, postmark, now)).toEqual({ sent: 0, failed: 0 });
    expect(sink.requests).toHaveLength(1);

    clock = new Date(r.next_attempt_at);
    expect(await dispatchDueEmails(app.db, postmark, now)).toEqual({ sent: 0, failed: 1 });
    r = await row("payment-confirmation:42");
    expect(r.attempts).toBe(2);
    expect(Date.parse(r.next_attempt_at) - clock.getTime()).toBe(backoffMs(2));

    clock = new Date(r.next_attempt_at);
    expect(await dispatchDueEmails(app.db, postmark, now)).toEqual({ sent: 1, failed: 0 });
    r = await row("payment-confirmation:42");
    expect(r).toMatchObject({
      status: "sent",
      attempts: 3,
      provider_message_id: expect.stringMatching(/^pm-msg-\d+$/),
      sent_at: clock.toISOString(),
    });

    clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000);
    expect(await dispatchDueEmails(app.db, postmark, now)).toEqual({ sent: 0, failed: 0 });
    expect(sink.requests).toHaveLength(3);
    const sent = sink.requests[2]!;
    expect(sent.url).toBe("/email");
    expect(sent.headers["x-postmark-server-token"]).toBe("server-token-test");
    expect(sent.body).toMatchObject({
      To: "amina@example.test",
      Subject: "Subject payment-confirmation:42",
      MessageStream: "outbound",
      Tag: "payment-confirmation",
      TextBody: "Hello",
    });
  });

  it("two dispatchers running at once send each message once", async () => {
    await app.db.deleteFrom("email_outbox").execute();
    for (let i = 0; i < 5; i++)
      await queueStoredEmail(app.db, email(`parallel:${i}`, `p${i}@example.test`));
    sink.requests.length = 0;
    const [a, b] = await Promise.all([
      dispatchDueEmails(app.db, postmark, () => new Date()),
      dispatchDueEmails(app.db, postmark, () => new Date()),
    ]);
    expect(a.sent + b.sent).toBe(5);
    expect(sink.requests.map((r) => r.body.To).sort()).toEqual([
      "p0@example.test",
      "p1@example.test",
      "p2@example.test",
      "p3@example.test",
      "p4@example.test",
    ]);
  });

  it("keeps retrying through an outage longer than a day: Postmark 500s leave the row pending, backoff capped at one hour", async () => {
    await app.db.deleteFrom("email_outbox").execute();
    const start = new Date("2026-11-21T10:00:00.000Z");
    await queueStoredEmail(app.db, email("payment-confirmation:outage"), { dueAt: start });
    sink.requests.length = 0;
    const failures = 40;
    sink.failNext(...Array.from({ length: failures }, () => 500));

    let clock = start;
    for (let i = 1; i <= failures; i++) {
      expect(await dispatchDueEmails(app.db, postmark, () => clock)).toEqual({
        sent: 0,
        failed: 1,
      });
      const r = await row("payment-confirmation:outage");
      expect(r).toMatchObject({ status: "pending", attempts: i, claimed_until: null });
      expect(r.last_error).toMatch(/Internal server error/);
      expect(Date.parse(r.next_attempt_at) - clock.getTime()).toBe(
        Math.min(backoffMs(i), 60 * 60 * 1000),
      );
      clock = new Date(r.next_attempt_at);
    }
    expect(clock.getTime() - start.getTime()).toBeGreaterThan(24 * 60 * 60 * 1000);

    // Postmark is back: the message goes out once.
    expect(await dispatchDueEmails(app.db, postmark, () => clock)).toEqual({ sent: 1, failed: 0 });
    expect(await row("payment-confirmation:outage")).toMatchObject({
      status: "sent",
      attempts: failures + 1,
      last_error: null,
    });
    expect(sink.requests).toHaveLength(failures + 1);
  });

  it("keeps the row pending after 429, 503, a bad server token and an unreachable Postmark", async () => {
    await app.db.deleteFrom("email_outbox").execute();
    await queueStoredEmail(app.db, email("transient:1"));
    const unreachable = postmarkTransportTo("http://127.0.0.1:9", "a@example.test");
    let clock = new Date();
    sink.failNext(429, 503, 401);
    for (const transport of [postmark, postmark, postmark, unreachable]) {
      expect(await dispatchDueEmails(app.db, transport, () => clock)).toEqual({
        sent: 0,
        failed: 1,
      });
      clock = new Date(clock.getTime() + 2 * 60 * 60 * 1000);
    }
    expect(await row("transient:1")).toMatchObject({ status: "pending", attempts: 4 });
    expect(await dispatchDueEmails(app.db, postmark, () => clock)).toEqual({ sent: 1, failed: 0 });
    expect(await row("transient:1")).toMatchObject({ status: "sent", attempts: 5 });
  });

  it("marks the row failed after one attempt when Postmark refuses the recipient (422, inactive recipient)", async () => {
    const received: string[] = [];
    const refusing = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received.push(req.url ?? "");
        res.writeHead(422, { "Content-Type": "application/json" });
        res.end(
          JSON.stringify({
            ErrorCode: 406,
            Message:
              "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: gone@example.test.",
          }),
        );
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = refusing.address() as AddressInfo;
      const transport = postmarkTransportTo(`http://127.0.0.1:${port}`, "a@example.test");
      await app.db.deleteFrom("email_outbox").execute();
      await queueStoredEmail(app.db, email("refused:1", "gone@example.test"));

      let clock = new Date();
      expect(await dispatchDueEmails(app.db, transport, () => clock)).toEqual({
        sent: 0,
        failed: 1,
      });
      const r = await row("refused:1");
      expect(r).toMatchObject({
        status: "failed",
        attempts: 1,
        claimed_until: null,
        sent_at: null,
      });
      expect(r.last_error).toMatch(/inactive/);

      clock = new Date(clock.getTime() + 24 * 60 * 60 * 1000);
      expect(await dispatchDueEmails(app.db, transport, () => clock)).toEqual({
        sent: 0,
        failed: 0,
      });
      expect(received).toEqual(["/email"]);
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it("backoff doubles from 5 s and stops at one hour", () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([5_000, 10_000, 20_000]);
    expect(backoffMs(20)).toBe(60 * 60 * 1000);
  });
});

describe("dev mailbox", () => {
  it("is the transport without a Postmark token, and /dev/mailbox?format=json lists what it delivered", async () => {
    expect(transportFromEnv()).toBe(devMailboxTransport);
    await app.db.deleteFrom("email_outbox").execute();
    await queueStoredEmail(app.db, email("dev:1", "dev@example.test"));
    await queueStoredEmail(app.db, email("dev:2", "other@example.test"));

    const before = (await (
      await mailboxLoader(args(loopbackGetRequest("/dev/mailbox?format=json")))
    ).json()) as { messages: unknown[] };
    expect(before.messages).toHaveLength(0);

    await dispatchDueEmails(app.db, transportFromEnv(), () => new Date());
    const response = await mailboxLoader(args(loopbackGetRequest("/dev/mailbox?format=json")));
    const body = (await response.json()) as {
      messages: { to_email: string; status: string; text: string }[];
    };
    expect(body.messages.filter((m) => m.to_email === "dev@example.test")).toEqual([
      expect.objectContaining({ status: "sent", text: "Hello" }),
    ]);
    expect(body.messages).toHaveLength(2);

    const html = await (await mailboxLoader(args(loopbackGetRequest("/dev/mailbox")))).text();
    expect(html).toContain("dev@example.test");
  });
});
