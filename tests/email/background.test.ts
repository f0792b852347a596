import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DISPATCH_BATCH_SIZE } from "../../app/email/dispatcher.server";
import { enqueueEmail } from "../../app/email/outbox.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { startBackgroundJobs, type BackgroundJobs } from "../../app/lib/background.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser, daysFromNow, reloadUser } from "../support/factories";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest, sessionForPayment } from "../support/stripe-events";

// The server's background loop, started and stopped by the test: the webhook's kick sends the
// confirmation without waiting for a poll, and the expiry sweep runs when the loop starts.
let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;
let jobs: BackgroundJobs | undefined;

beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url);
});
afterEach(async () => {
  await jobs?.stop();
  jobs = undefined;
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

// Polls an hour apart: whatever is sent within the test was sent because of a kick or the start.
const HOUR = 60 * 60 * 1000;

describe("background jobs", () => {
  it("a processed webhook kicks the dispatcher: the confirmation goes out without a poll", async () => {
    jobs = startBackgroundJobs({
      db: app.db,
      transport: () => postmark,
      pollMs: HOUR,
      sweepMs: HOUR,
    });
    await jobs.idle();
    sink.requests.length = 0;

    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const session = sessionForPayment(payment, {});
    expect(
      (
        await webhookAction(
          args(webhookRequest(stripeEvent("checkout.session.completed", session))),
        )
      ).status,
    ).toBe(200);
    await jobs.idle();

    expect(sink.requests.map((r) => r.body.To)).toEqual([user.email]);
    const row = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a backlog larger than a batch drains after one kick, without waiting for polls", async () => {
    jobs = startBackgroundJobs({
      db: app.db,
      transport: () => postmark,
      pollMs: HOUR,
      sweepMs: HOUR,
    });
    await jobs.idle();
    sink.requests.length = 0;
    const count = DISPATCH_BATCH_SIZE * 3 + 5;
    for (let i = 0; i < count; i++) {
      await enqueueEmail(app.db, {
        dedupeKey: `backlog:${i}`,
        to: `backlog-${i}@example.test`,
        subject: "Backlog",
        html: "<p>Hi</p>",
        text: "Hi",
      });
    }
    jobs.kick();
    await jobs.idle();
    expect(sink.requests).toHaveLength(count);
    const pending = await app.db
      .selectFrom("email_outbox")
      .select("id")
      .where("dedupe_key", "like", "backlog:%")
      .where("status", "!=", "sent")
      .execute();
    expect(pending).toEqual([]);
  });

  it("the expiry sweep runs when the loop starts, and nothing runs after stop", async () => {
    const lapsed = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(-1),
    });
    jobs = startBackgroundJobs({
      db: app.db,
      transport: () => postmark,
      pollMs: HOUR,
      sweepMs: HOUR,
    });
    await jobs.idle();
    expect((await reloadUser(app.db, lapsed.id)).subscription_status).toBe("EXPIRED");

    await jobs.stop();
    sink.requests.length = 0;
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const session = sessionForPayment(payment, {});
    expect(
      (
        await webhookAction(
          args(webhookRequest(stripeEvent("checkout.session.completed", session))),
        )
      ).status,
    ).toBe(200);
    await jobs.idle();
    expect(sink.requests).toHaveLength(0);
    const row = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });
});
