import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCheckout } from "../../app/payments/checkout.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { reconcileWithStripe } from "../../app/stripe-events/reconcile.server";
import type { User } from "../../db/schema";
import { TEST_WEBHOOK_SECRETS } from "../support/app";
import { createUser, reloadUser } from "../support/factories";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

const run = promisify(execFile);

// No webhook reaches the app in this file: every event is lost unless a test hands it in.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

async function openCheckout(user: User, { minutesAgo }: { minutesAgo: number }) {
  const started = await startCheckout(app.db, app.stripe, user, new Date());
  if (started.kind !== "redirect") throw new Error(`checkout refused: ${started.kind}`);
  // The reservation was made a while ago (created_at is never updated by the app itself).
  const createdAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await sql`update payments set created_at = ${createdAt} where id = ${started.paymentId}`.execute(
    app.db,
  );
  const row = await payment(started.paymentId);
  return { url: started.url, paymentId: row.id, sessionId: row.stripe_checkout_session_id! };
}

function payment(id: number) {
  return app.db.selectFrom("payments").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function confirmations(to: string) {
  const rows = await app.db
    .selectFrom("email_outbox")
    .select("dedupe_key")
    .where("to_email", "=", to)
    .where("template", "=", "payment-confirmation")
    .execute();
  return rows.map((r) => r.dedupe_key);
}

describe("stripe:sync reconciles one-time payments and failed events", () => {
  it("fulfils a lost payment once, expires an abandoned one, reprocesses a failed event; then changes nothing", async () => {
    // Paid, tab closed, webhook never arrived.
    const lostUser = await createUser(app.db, { role: "talent" });
    const lost = await openCheckout(lostUser, { minutesAgo: 10 });
    expect((await payOnHostedPage(lost.url)).status).toBe(303);
    // Abandoned, and the session expired at Stripe.
    const idleUser = await createUser(app.db, { role: "professional" });
    const abandoned = await openCheckout(idleUser, { minutesAgo: 10 });
    await app.stripe.checkout.sessions.expire(abandoned.sessionId);
    // Paid a moment ago; its webhook failed inside the app and was recorded as failed.
    const failedUser = await createUser(app.db, { role: "company" });
    const recent = await openCheckout(failedUser, { minutesAgo: 0 });
    expect((await payOnHostedPage(recent.url)).status).toBe(303);
    const event = (
      await app.stripe.events.list({ type: "checkout.session.completed", limit: 20 })
    ).data.find((e) => (e.data.object as { id: string }).id === recent.sessionId)!;
    const failed = await processVerifiedEvent(event, {
      db: app.db,
      now: new Date(),
      source: "webhook",
      onEffectsApplied: () => {
        throw new Error("the database went away mid-event");
      },
    });
    expect(failed.ok).toBe(false);
    expect((await payment(recent.paymentId)).status).toBe("pending");

    const first = await reconcileWithStripe(app.db, app.stripe);
    expect(first.errors).toEqual([]);
    expect(first.drift).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^payment ${lost.paymentId} \\(${lost.sessionId}\\): paid -> fulfilled`),
        ),
        `payment ${abandoned.paymentId} (${abandoned.sessionId}): pending -> expired`,
        `event ${event.id} (checkout.session.completed): reprocessed (processed)`,
      ]),
    );
    expect(await payment(lost.paymentId)).toMatchObject({ status: "paid" });
    expect(await payment(abandoned.paymentId)).toMatchObject({ status: "expired" });
    expect(await payment(recent.paymentId)).toMatchObject({ status: "paid" });
    for (const user of [lostUser, failedUser])
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(await confirmations(lostUser.email)).toEqual([`payment-confirmation:${lost.paymentId}`]);
    expect(await confirmations(failedUser.email)).toEqual([
      `payment-confirmation:${recent.paymentId}`,
    ]);
    const ledger = await app.db
      .selectFrom("stripe_webhook_events")
      .select(["processed", "attempt_count"])
      .where("event_id", "=", event.id)
      .executeTakeFirstOrThrow();
    expect(ledger.processed).toBe(1);

    const second = await reconcileWithStripe(app.db, app.stripe);
    expect(second.drift).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(await confirmations(lostUser.email)).toHaveLength(1);

    // The command prints the same: nothing changed.
    const { stdout } = await run(process.execPath, ["--import", "tsx", "app/cli/stripe-sync.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        DATABASE_URL: app.dbPath,
        APP_URL: "http://localhost:3000",
        STRIPE_SECRET_KEY: "sk_test_stripe_sync_command_test",
        STRIPE_API_BASE: app.sim.url,
        STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRETS[0],
        PRICING_CURRENCY: "MAD",
      },
    });
    expect(stdout).toContain("0 correction(s)");
    expect(stdout).toContain("nothing changed");
  });
});
