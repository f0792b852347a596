import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  dropSentEmailBodies,
  pruneProcessedWebhookEvents,
  runRetention,
} from "../../app/lib/retention.server";
import { queryPlan, readsIndex, setupTestApp, type TestApp } from "../support/app";
import { queueStoredEmail } from "../support/emails";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});
beforeEach(async () => {
  await app.db.deleteFrom("email_outbox").execute();
  await app.db.deleteFrom("stripe_webhook_events").execute();
});

const NOW = new Date("2027-06-01T00:00:00.000Z");
const daysAgo = (days: number) =>
  new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000).toISOString();
const POLICY = { emailBodyDays: 30, webhookEventDays: 90, batchSize: 10, maxBatches: 100 };

async function sentEmail(key: string, sentDaysAgo: number | null) {
  await queueStoredEmail(
    app.db,
    {
      dedupeKey: key,
      to: "amina@example.test",
      subject: `S ${key}`,
      html: "<p>body</p>",
      text: "body",
    },
    { dueAt: NOW },
  );
  if (sentDaysAgo !== null) {
    await app.db
      .updateTable("email_outbox")
      .set({ status: "sent", sent_at: daysAgo(sentDaysAgo), provider_message_id: "pm" })
      .where("dedupe_key", "=", key)
      .execute();
  } else {
    await sql`update email_outbox set created_at = ${daysAgo(400)} where dedupe_key = ${key}`.execute(
      app.db,
    );
  }
}

async function event(id: string, processed: boolean, processedDaysAgo: number) {
  const at = daysAgo(processedDaysAgo);
  await app.db
    .insertInto("stripe_webhook_events")
    .values({
      event_id: id,
      event_type: "checkout.session.completed",
      processed: processed ? 1 : 0,
      processed_at: processed ? at : null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

describe("retention of sent email bodies", () => {
  it("drops bodies of emails sent before the window, at most batchSize a pass, oldest first; rows and keys stay", async () => {
    for (let i = 0; i < 25; i++) await sentEmail(`old:${i}`, 31 + i);
    await sentEmail("recent:1", 29);
    await sentEmail("pending:1", null);

    expect(await dropSentEmailBodies(app.db, new Date(daysAgo(30)), 10, NOW)).toBe(10);
    const firstPass = await app.db
      .selectFrom("email_outbox")
      .select("dedupe_key")
      .where("body_dropped_at", "is not", null)
      .execute();
    // oldest first: old:24 was sent 55 days ago
    expect(firstPass.map((r) => r.dedupe_key).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `old:${15 + i}`).sort(),
    );

    const result = await runRetention(app.db, NOW, POLICY);
    expect(result.emailBodies).toBe(15);
    // 10 + 5, then the table's pass that found fewer than a batch ends it; one pass for events
    expect(result.passes).toBe(3);

    const rows = await app.db.selectFrom("email_outbox").selectAll().orderBy("id").execute();
    expect(rows).toHaveLength(27);
    for (const row of rows.filter((r) => r.dedupe_key.startsWith("old:"))) {
      expect(row).toMatchObject({
        status: "sent",
        subject: null,
        html: null,
        text: null,
        props: null,
        body_dropped_at: NOW.toISOString(),
      });
    }
    expect(rows.find((r) => r.dedupe_key === "recent:1")).toMatchObject({
      html: "<p>body</p>",
      body_dropped_at: null,
    });
    expect(rows.find((r) => r.dedupe_key === "pending:1")).toMatchObject({
      status: "pending",
      html: "<p>body</p>",
      body_dropped_at: null,
    });
    // The dedupe key still holds: the same email cannot be queued again.
    expect(
      await queueStoredEmail(
        app.db,
        { dedupeKey: "old:3", to: "amina@example.test", subject: "again", html: "x", text: "x" },
        { dueAt: NOW },
      ),
    ).toBe(false);
  });

  it("stops after maxBatches passes; the next run continues", async () => {
    for (let i = 0; i < 25; i++) await sentEmail(`bounded:${i}`, 40);
    const first = await runRetention(app.db, NOW, { ...POLICY, maxBatches: 2 });
    expect(first.emailBodies).toBe(20);
    const second = await runRetention(app.db, NOW, { ...POLICY, maxBatches: 2 });
    expect(second.emailBodies).toBe(5);
  });
});

describe("retention of processed webhook events", () => {
  it("prunes processed events older than the window, bounded per pass; keeps unprocessed and recent ones", async () => {
    for (let i = 0; i < 12; i++) await event(`evt_old_${i}`, true, 91 + i);
    await event("evt_recent", true, 89);
    await event("evt_failing_old", false, 200);

    expect(await pruneProcessedWebhookEvents(app.db, new Date(daysAgo(90)), 5)).toBe(5);
    const result = await runRetention(app.db, NOW, POLICY);
    expect(result.webhookEvents).toBe(7);
    const left = await app.db
      .selectFrom("stripe_webhook_events")
      .select("event_id")
      .orderBy("event_id")
      .execute();
    expect(left.map((r) => r.event_id)).toEqual(["evt_failing_old", "evt_recent"]);
  });

  it("each pass reads the retention indexes, not the tables", async () => {
    const plan = (query: string) => queryPlan(app.db, query);
    expect(
      await plan(
        "select id from email_outbox where status = 'sent' and body_dropped_at is null and sent_at < '2027-01-01T00:00:00Z' order by sent_at limit 10",
      ),
    ).toMatch(readsIndex("email_outbox_sent_body_idx"));
    expect(
      await plan(
        "select id from stripe_webhook_events where processed = 1 and processed_at < '2027-01-01T00:00:00Z' order by processed_at limit 10",
      ),
    ).toMatch(readsIndex("stripe_webhook_events_processed_at_idx"));
  });
});
