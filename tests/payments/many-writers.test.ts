import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { withLease } from "../../app/lib/lease.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { setupTestApp, testBackend, type TestApp } from "../support/app";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { createPendingPayment, createUser, reloadUser } from "../support/factories";
import { stripeEvent, sessionForPayment } from "../support/stripe-events";
import { queueStoredEmail } from "../support/emails";

// Writers that do not share a process: each "instance" here has its own Kysely instance (its
// own SQLite connection, or its own Postgres pool) on the test's database.

let app: TestApp;
let sink: PostmarkSink;
const instances: Kysely<Database>[] = [];

beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  for (let i = 0; i < 4; i++) instances.push(createDatabase(app.dbPath, { poolSize: 3 }));
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.destroy()));
  await sink.close();
  await app.close();
});

describe(`many writers (${testBackend})`, () => {
  it("dispatchers on four instances send each due email exactly once", async () => {
    await app.db.deleteFrom("email_outbox").execute();
    const count = 60;
    for (let i = 0; i < count; i++) {
      await queueStoredEmail(app.db, {
        dedupeKey: `burst:${i}`,
        to: `person-${i}@example.test`,
        subject: `Burst ${i}`,
        html: "<p>Hi</p>",
        text: "Hi",
      });
    }
    sink.requests.length = 0;
    const transport = postmarkTransportTo(sink.url, "Talents Acting <no-reply@example.test>");
    // Each dispatcher sends at most a batch a run; run until the outbox is empty.
    for (let round = 0; round < 10; round++) {
      const summaries = await Promise.all(
        instances.map((instance) => dispatchDueEmails(instance, transport, () => new Date())),
      );
      if (summaries.every((s) => s.sent === 0 && s.failed === 0)) break;
    }
    const rows = await app.db.selectFrom("email_outbox").select(["status", "attempts"]).execute();
    expect(rows).toHaveLength(count);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    const recipients = sink.requests.map((r) => JSON.stringify(r.body));
    expect(recipients).toHaveLength(count);
    expect(new Set(recipients).size).toBe(count);
  });

  it("a lease runs a job on one instance at a time; a lapsed lease is taken over", async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const job = async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      return "done";
    };
    const outcomes = await Promise.all(
      instances.map((instance) => withLease(instance, "test-job", 60_000, job)),
    );
    expect(outcomes.filter((o) => o.ran)).toHaveLength(1);
    expect(runs).toBe(1);
    expect(maxRunning).toBe(1);

    // Given back after the run: the next tick runs it again.
    expect(await withLease(instances[1]!, "test-job", 60_000, job)).toEqual({
      ran: true,
      result: "done",
    });

    // A holder that crashed: its lease blocks until it expires, then another instance takes over.
    const past = new Date(Date.now() - 1000).toISOString();
    const future = new Date(Date.now() + 60_000).toISOString();
    await app.db
      .insertInto("job_leases")
      .values({ name: "crashed-job", holder: "gone", expires_at: future })
      .execute();
    expect(await withLease(instances[2]!, "crashed-job", 60_000, job)).toEqual({ ran: false });
    await app.db
      .updateTable("job_leases")
      .set({ expires_at: past })
      .where("name", "=", "crashed-job")
      .execute();
    expect(await withLease(instances[2]!, "crashed-job", 60_000, job)).toEqual({
      ran: true,
      result: "done",
    });
    expect(await app.db.selectFrom("job_leases").selectAll().execute()).toEqual([]);
  });

  it("a failed event delivered again on every instance at once is applied once", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const event = stripeEvent("checkout.session.completed", sessionForPayment(payment, {}));
    const failed = await processVerifiedEvent(event, {
      db: app.db,
      now: new Date(),
      source: "webhook",
      onEffectsApplied: () => {
        throw new Error("first attempt fails");
      },
    });
    expect(failed.ok).toBe(false);
    // The failure is on record (processed = 0): every retry finds the row already there.
    // SQLite: one connection per process (see rate-limit.test.ts); Postgres: one pool per instance.
    const writers = testBackend === "postgres" ? instances : [app.db];
    let applied = 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        processVerifiedEvent(event, {
          db: writers[i % writers.length]!,
          now: new Date(),
          source: "webhook",
          onEffectsApplied: () => void applied++,
        }),
      ),
    );
    expect(results.filter((r) => r.ok && r.status === "processed")).toHaveLength(1);
    expect(results.filter((r) => r.ok && r.status === "duplicate")).toHaveLength(11);
    expect(applied).toBe(1);
    const row = await app.db
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where("event_id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ processed: 1, attempt_count: 2 });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("dedupe_key", "=", `payment-confirmation:${payment.id}`)
        .execute(),
    ).toHaveLength(1);
  });
});
