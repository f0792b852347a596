import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { afterCommit, writeTransaction } from "../../db/dialect";
import { DISPATCH_BATCH_SIZE } from "../../app/email/dispatcher.server";
import { onEmailQueued } from "../../app/email/outbox.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { startBackground, type Background } from "../../app/lib/background.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, testBackend, type TestApp } from "../support/app";
import { createPendingPayment, createUser, daysFromNow, reloadUser } from "../support/factories";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest, sessionForPayment } from "../support/stripe-events";
import { queueStoredEmail } from "../support/emails";

// The server's background loops, started and stopped by the test: the commit that queues an
// email wakes the dispatcher, which sends the
// confirmation without waiting for a poll, and the expiry sweep runs when the loop starts.
let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;
let jobs: Background | undefined;

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

// Polls an hour apart: whatever is sent within the test was sent because of a wake or the start.
const HOUR = 60 * 60 * 1000;

describe("background jobs", () => {
  it("a processed webhook wakes the dispatcher: the confirmation goes out without a poll", async () => {
    jobs = startBackground({
      db: () => app.db,
      billing: false,
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

  it("a backlog larger than a batch, queued in one transaction, drains after its commit without waiting for polls", async () => {
    jobs = startBackground({
      db: () => app.db,
      billing: false,
      transport: () => postmark,
      pollMs: HOUR,
      sweepMs: HOUR,
    });
    await jobs.idle();
    sink.requests.length = 0;
    const count = DISPATCH_BATCH_SIZE * 3 + 5;
    await writeTransaction(app.db, async (trx) => {
      for (let i = 0; i < count; i++) {
        await queueStoredEmail(trx, {
          dedupeKey: `backlog:${i}`,
          to: `backlog-${i}@example.test`,
          subject: "Backlog",
          html: "<p>Hi</p>",
          text: "Hi",
        });
      }
    });
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
    jobs = startBackground({
      db: () => app.db,
      billing: false,
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

describe("after-commit hooks", () => {
  it("run once after the commit, never inside the transaction nor after a rollback", async () => {
    const ran: string[] = [];
    await writeTransaction(app.db, async (trx) => {
      afterCommit(trx, () => ran.push("committed"));
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(["committed"]);

    await expect(
      writeTransaction(app.db, async (trx) => {
        afterCommit(trx, () => ran.push("rolled back"));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(ran).toEqual(["committed"]);

    // Outside a write transaction the write already committed: the hook runs at once.
    afterCommit(app.db, () => ran.push("autocommit"));
    expect(ran).toEqual(["committed", "autocommit"]);
  });

  it("a transaction retried after a serialization failure runs its hooks once, from the attempt that committed", async () => {
    const ran: number[] = [];
    let attempt = 0;
    await writeTransaction(app.db, async (trx) => {
      attempt++;
      afterCommit(trx, () => ran.push(attempt));
      if (attempt === 1 && testBackend === "postgres")
        throw Object.assign(new Error("could not serialize access"), { code: "40001" });
    });
    expect(ran).toEqual([attempt]);
    expect(attempt).toBe(testBackend === "postgres" ? 2 : 1);
  });

  it("an email queued in a rolled-back transaction wakes nothing and is not there", async () => {
    let woken = 0;
    const unsubscribe = onEmailQueued(() => woken++);
    try {
      await expect(
        writeTransaction(app.db, async (trx) => {
          await queueStoredEmail(trx, {
            dedupeKey: "rolled-back:1",
            to: "rolled-back@example.test",
            subject: "Never",
            html: "<p>Never</p>",
            text: "Never",
          });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(woken).toBe(0);
      await writeTransaction(app.db, (trx) =>
        queueStoredEmail(trx, {
          dedupeKey: "committed:1",
          to: "committed@example.test",
          subject: "Sent",
          html: "<p>Sent</p>",
          text: "Sent",
        }),
      );
      expect(woken).toBe(1);
      const keys = await app.db
        .selectFrom("email_outbox")
        .select("dedupe_key")
        .where("dedupe_key", "in", ["rolled-back:1", "committed:1"])
        .execute();
      expect(keys.map((k) => k.dedupe_key)).toEqual(["committed:1"]);
    } finally {
      unsubscribe();
    }
  });
});
