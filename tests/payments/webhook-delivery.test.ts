import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import type { User } from "../../db/schema";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, run } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

// The stand-in delivers its own signed webhooks over HTTP to the real route, each event three
// times and shuffled, as Stripe may.
let app: TestAppWithStripe;
let hook: RouteServer;
/** set by a test to make processing fail; passed to the handler as its option */
let onEffectsApplied: ((event: Stripe.Event) => void) | undefined;
beforeAll(async () => {
  // The route's own handler with this test's database, plus the failure seam.
  hook = await serveRoute((request) =>
    handleStripeWebhook(request, { db: app.db, onEffectsApplied }),
  );
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { duplicates: 3, shuffle: true, retryBaseMs: 20, maxAttempts: 5 },
  });
});
afterAll(async () => {
  await app.close();
  await hook.close();
});
afterEach(() => {
  onEffectsApplied = undefined;
  hook.statuses.length = 0;
});

async function checkoutAndPay(user: User) {
  const cookie = await sessionCookieFor(app.db, user);
  const submit = await run(() =>
    payAction(
      args(formRequest(`/dashboard/${user.role}/payment`, {}, cookie), { role: user.role }),
    ),
  );
  expect(submit.status).toBe(303);
  const paid = await payOnHostedPage(submit.headers.get("Location")!, { email: user.email });
  expect(paid.status).toBe(303);
  await app.sim.idle();
}

describe("webhooks delivered by the stand-in", () => {
  it("duplicated, shuffled deliveries fulfil once", async () => {
    const user = await createUser(app.db, { role: "talent" });
    await checkoutAndPay(user);

    const payments = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(payments.map((p) => p.status)).toEqual(["paid"]);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute(),
    ).toHaveLength(1);
    const completed = await app.db
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where("event_type", "=", "checkout.session.completed")
      .execute();
    expect(completed.length).toBeGreaterThanOrEqual(1);
    expect(completed.every((e) => e.processed === 1)).toBe(true);
    expect(hook.statuses.every((s) => s === 200)).toBe(true);
  });

  it("a failed delivery answers 500, the stand-in retries, and the retry fulfils", async () => {
    const user = await createUser(app.db, { role: "company" });
    let failures = 0;
    onEffectsApplied = (event) => {
      if (event.type === "checkout.session.completed" && failures < 2) {
        failures++;
        throw new Error("injected failure");
      }
    };
    await checkoutAndPay(user);
    expect(failures).toBe(2);
    expect(hook.statuses).toContain(500);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    const [payment] = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(payment?.status).toBe("paid");
    const event = await app.db
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where("event_type", "=", "checkout.session.completed")
      .where("error_message", "like", "%injected failure%")
      .executeTakeFirstOrThrow();
    expect(event.processed).toBe(1);
    expect(event.attempt_count).toBeGreaterThanOrEqual(2);
  });
});
