import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resyncAll } from "../../app/billing/resync.server";
import { createUser, reloadUser } from "../support/factories";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";
import { TEST_WEBHOOK_SECRETS } from "../support/app";
import { clockNow, DAY, subscribe, subscriptionRow } from "../support/billing";
import { advanceTo } from "../support/stand-in";

const run = promisify(execFile);

// No webhook reaches the app in this file: every event is "lost", and only the re-sync repairs.
let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe({ env: { STRIPE_TEST_CLOCKS: "true" } });
});
afterAll(async () => {
  await app.close();
});

describe("re-sync from Stripe (npm run stripe:sync, daily in the server)", () => {
  it("creates the rows lost events never wrote, repairs a row changed by hand, and a second run finds nothing", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, { trialDays: 5 });
    await advanceTo(app.stripe, clockId, (await clockNow(app.stripe, clockId)) + 5 * DAY + 7200);
    expect(
      await app.db
        .selectFrom("subscriptions")
        .select("id")
        .where("user_id", "=", user.id)
        .execute(),
    ).toEqual([]);

    const first = await resyncAll(app.db, app.stripe, () => new Date());
    expect(first.errors).toEqual([]);
    expect(first.drift.some((line) => line.includes("new row (active)"))).toBe(true);
    const row = await subscriptionRow(app.db, subscription.id);
    expect(row.status).toBe("active");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(
      await app.db.selectFrom("invoices").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(2);

    await app.db
      .updateTable("subscriptions")
      .set({ status: "canceled", card_last4: "0000" })
      .where("id", "=", row.id)
      .execute();
    await app.db
      .updateTable("users")
      .set({ subscription_status: "EXPIRED" })
      .where("id", "=", user.id)
      .execute();
    const repair = await resyncAll(app.db, app.stripe, () => new Date());
    expect(repair.drift).toEqual(
      expect.arrayContaining([
        `subscription ${subscription.id}: status canceled -> active`,
        `subscription ${subscription.id}: card_last4 0000 -> 4242`,
        expect.stringMatching(new RegExp(`^user ${user.id}: EXPIRED until .* -> ACTIVE until `)),
      ]),
    );
    expect((await subscriptionRow(app.db, subscription.id)).status).toBe("active");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    const history = await app.db
      .selectFrom("subscription_status_history")
      .selectAll()
      .where("stripe_subscription_id", "=", subscription.id)
      .orderBy("id")
      .execute();
    expect(history.map((h) => [h.from_status, h.to_status, h.cause])).toEqual([
      [null, "active", "sync"],
      ["canceled", "active", "sync"],
    ]);

    const again = await resyncAll(app.db, app.stripe, () => new Date());
    expect(again.drift).toEqual([]);
  });

  it("reads customers a page at a time and reaches every one", async () => {
    const users = [
      await createUser(app.db, { role: "talent" }),
      await createUser(app.db, { role: "professional" }),
      await createUser(app.db, { role: "company" }),
    ];
    const subscriptions = [];
    for (const user of users)
      subscriptions.push((await subscribe(app.db, app.stripe, user)).subscription);
    const { n: customers } = await app.db
      .selectFrom("stripe_customers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();

    const report = await resyncAll(app.db, app.stripe, () => new Date(), { customersPerPage: 2 });
    expect(report.errors).toEqual([]);
    expect(report.customers).toBe(Number(customers));
    for (const subscription of subscriptions)
      expect((await subscriptionRow(app.db, subscription.id)).status).toBe("active");
  });

  it("the command prints the drift it corrected", async () => {
    const user = await createUser(app.db, { role: "company" });
    const { subscription } = await subscribe(app.db, app.stripe, user);
    await resyncAll(app.db, app.stripe, () => new Date());
    await app.db
      .updateTable("subscriptions")
      .set({ status: "past_due" })
      .where("stripe_subscription_id", "=", subscription.id)
      .execute();

    const { stdout } = await run(process.execPath, ["--import", "tsx", "app/cli/stripe-sync.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        DATABASE_URL: app.dbPath,
        APP_URL: "http://localhost:3000",
        // Explicit, so a developer's .env (which dotenv never lets override these) cannot point elsewhere.
        STRIPE_SECRET_KEY: "sk_test_stripe_sync_command_test",
        STRIPE_API_BASE: app.sim.url,
        STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRETS[0],
        PRICING_CURRENCY: "MAD",
      },
    });
    expect(stdout).toContain(
      `corrected subscription ${subscription.id}: status past_due -> active`,
    );
    expect(stdout).toMatch(
      /Stripe re-sync: \d+ customer\(s\), \d+ subscription\(s\), \d+ correction\(s\)/,
    );
    expect((await subscriptionRow(app.db, subscription.id)).status).toBe("active");
  });
});
