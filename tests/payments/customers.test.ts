import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/schema";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import { setupMigratedDatabase, type MigratedDatabase } from "../support/app";
import { createUser } from "../support/factories";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";

let app: TestAppWithStripe;
let reset: MigratedDatabase;
let resetDb: Kysely<Database>;

beforeAll(async () => {
  app = await setupTestAppWithStripe();
  // A second, fresh app database talking to the same Stripe account: the app's database was reset.
  reset = await setupMigratedDatabase();
  resetDb = reset.db;
});
afterAll(async () => {
  await reset.close();
  await app.close();
});

describe("Stripe customer creation", () => {
  it("user 1 of a reset database gets its own customer, though user 1 of the old one was created minutes before", async () => {
    const before = await createUser(app.db, {
      email: "first.life@example.test",
      name: "First Life",
    });
    const created = await createUser(resetDb, {
      email: "second.life@example.test",
      name: "Second Life",
    });
    // Users are minutes apart in real life; a fixed later creation time keeps the test off the clock.
    const later = new Date(Date.parse(before.created_at) + 3 * 60 * 1000).toISOString();
    await sql`update users set created_at = ${later} where id = ${created.id}`.execute(resetDb);
    const after = { ...created, created_at: later };
    expect([before.id, after.id]).toEqual([1, 1]);

    const first = await getOrCreateStripeCustomer(app.db, app.stripe, before, new Date());
    const second = await getOrCreateStripeCustomer(resetDb, app.stripe, after, new Date());

    expect(second).not.toBe(first);
    expect(await app.stripe.customers.retrieve(first)).toMatchObject({
      email: "first.life@example.test",
    });
    expect(await app.stripe.customers.retrieve(second)).toMatchObject({
      email: "second.life@example.test",
      metadata: { user_id: "1" },
    });
    const rows = await resetDb.selectFrom("stripe_customers").selectAll().execute();
    expect(rows).toMatchObject([
      { user_id: 1, stripe_customer_id: second, email: "second.life@example.test" },
    ]);
  });
});
