import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_EVENT_ID_LENGTH, MAX_EVENT_TYPE_LENGTH } from "../../app/stripe-events/webhook.server";
import { action } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, TEST_WEBHOOK_SECRETS, type TestApp } from "../support/app";
import { createPendingPayment, createUser, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest, sessionForPayment } from "../support/stripe-events";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

async function paidEvent(overrides: { id?: string; type?: string } = {}) {
  const user = await createUser(app.db);
  const payment = await createPendingPayment(app.db, user);
  const session = sessionForPayment(payment, {});
  return {
    user,
    event: stripeEvent(
      overrides.type ?? "checkout.session.completed",
      session,
      overrides.id ? { id: overrides.id } : {},
    ),
  };
}

async function eventCount(): Promise<number> {
  const row = await app.db
    .selectFrom("stripe_webhook_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe("webhook signature time", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ["more than 300 s in the future", 301 + 5],
    ["a year in the future", 365 * 86_400],
    ["more than 300 s in the past", -(301 + 5)],
  ])(
    "refuses a correctly signed event stamped %s with 400, writing nothing",
    async (_label, offset) => {
      const { user, event } = await paidEvent();
      const before = await eventCount();
      const response = await action(args(webhookRequest(event, { timestamp: now() + offset })));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/timestamp|tolerance/i);
      expect(await eventCount()).toBe(before);
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    },
  );

  it("accepts a clock skew within 300 s either way", async () => {
    for (const offset of [-250, 250]) {
      const { user, event } = await paidEvent();
      const response = await action(args(webhookRequest(event, { timestamp: now() + offset })));
      expect(response.status).toBe(200);
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    }
  });
});

describe("the t= of a Stripe-Signature header", () => {
  const now = Math.floor(Date.now() / 1000);
  const far = now + 10 * 365 * 86_400;
  /** v1 over the time the SDK reads (parseInt of the last t=): what an attacker signs. */
  const v1 = (body: string, signedTime: number) =>
    createHmac("sha256", TEST_WEBHOOK_SECRETS[0]!).update(`${signedTime}.${body}`).digest("hex");

  it.each([
    ["two t=, now then ten years ahead (signed over the far one)", `t=${now},t=${far}`, far],
    ["two t=, the same time twice", `t=${now},t=${now}`, now],
    ["a second t= with spaces", `t=${now}, t=${far}`, now],
    ["zero-padded to 20 digits, ten years ahead", `t=${String(far).padStart(20, "0")}`, far],
    ["zero-padded within 15 digits", `t=0${now}`, now],
    ["trailing junk after ten years ahead", `t=${far}abc`, far],
    ["trailing junk after now", `t=${now}x`, now],
    ["a plus sign", `t=+${now}`, now],
    ["a minus sign", `t=-${now}`, -now],
    ["a decimal point", `t=${now}.5`, now],
    [
      "16 digits",
      `t=1${String(now).padStart(15, "0")}`,
      Number(`1${String(now).padStart(15, "0")}`),
    ],
    ["an empty t", "t=", now],
    ["no t at all", "", now],
    ["an upper-case T", `T=${now}`, now],
  ])("refuses %s with 400 and writes nothing", async (_label, timePart, signedTime) => {
    const { user, event } = await paidEvent();
    const body = JSON.stringify(event, null, 2);
    const signature = [timePart, `v1=${v1(body, signedTime)}`].filter(Boolean).join(",");
    const before = await eventCount();
    const response = await action(args(webhookRequest(body, { signature })));
    expect(response.status, signature).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/t=|timestamp/);
    expect(await eventCount()).toBe(before);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });

  it("accepts the header as Stripe writes it: one t= of plain digits, then the signatures", async () => {
    const { user, event } = await paidEvent();
    const body = JSON.stringify(event, null, 2);
    const signature = `t=${now},v1=${v1(body, now)},v0=deadbeef`;
    const response = await action(args(webhookRequest(body, { signature })));
    expect(response.status).toBe(200);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });
});

describe("event ids and types longer than Stripe's", () => {
  it.each([
    ["id", { id: `evt_${"x".repeat(MAX_EVENT_ID_LENGTH)}` }],
    ["type", { type: `checkout.session.completed${".x".repeat(MAX_EVENT_TYPE_LENGTH)}` }],
  ])(
    "a signed event with an over-long %s is a 400 and is not stored",
    async (_label, overrides) => {
      const { user, event } = await paidEvent(overrides);
      const before = await eventCount();
      const response = await action(args(webhookRequest(event)));
      expect(response.status).toBe(400);
      expect(await eventCount()).toBe(before);
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    },
  );

  it("stores ids and types at Stripe's lengths", async () => {
    const id = `evt_${"a".repeat(MAX_EVENT_ID_LENGTH - 4)}`;
    const { event } = await paidEvent({ id });
    expect((await action(args(webhookRequest(event)))).status).toBe(200);
    const row = await app.db
      .selectFrom("stripe_webhook_events")
      .selectAll()
      .where("event_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.event_id).toHaveLength(MAX_EVENT_ID_LENGTH);
  });
});
