import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { stripeTrigger } from "../support/stand-in";
import { makeTempDir } from "../support/app";
import { args } from "../support/requests";
import { serveRoute, type RouteServer } from "../support/route-server";
import { setupTestAppWithStripe, type TestAppWithStripe } from "../support/stripe-sim";

// The official Stripe CLI (npm @stripe/cli) drives the stand-in with `stripe trigger`, and the
// stand-in delivers the resulting events to the app's real webhook route.

let app: TestAppWithStripe;
let hook: RouteServer;
let cliHome: string;

beforeAll(async () => {
  hook = await serveRoute((request) => webhookAction(args(request)));
  app = await setupTestAppWithStripe({
    forwardTo: `${hook.url}/api/webhooks/stripe`,
    delivery: { retryBaseMs: 20 },
  });
  cliHome = makeTempDir("stripe-cli-home-");
});
afterAll(async () => {
  await app.close();
  await hook.close();
  rmSync(cliHome, { recursive: true, force: true });
});

function trigger(event: string): Promise<{ code: number; output: string }> {
  return stripeTrigger(event, app.sim.url, cliHome);
}

async function receivedTypes(): Promise<string[]> {
  await app.sim.idle();
  const rows = await app.db
    .selectFrom("stripe_webhook_events")
    .select(["event_type", "processed", "error_message"])
    .orderBy("id")
    .execute();
  expect(rows.every((r) => r.processed === 1 && r.error_message === null)).toBe(true);
  return rows.map((r) => r.event_type);
}

describe("stripe trigger against the stand-in reaches the app", () => {
  it.each([
    ["checkout.session.completed", ["payment_intent.succeeded", "checkout.session.completed"]],
    ["payment_intent.succeeded", ["payment_intent.succeeded"]],
    ["checkout.session.expired", ["checkout.session.expired"]],
  ])("stripe trigger %s", async (event, expectedTypes) => {
    const before = (await receivedTypes()).length;
    const result = await trigger(event);
    expect(result.output).toContain("Trigger succeeded");
    expect(result.code).toBe(0);
    const types = (await receivedTypes()).slice(before);
    for (const type of expectedTypes) expect(types).toContain(type);
    expect(hook.statuses.every((s) => s === 200)).toBe(true);
  });

  it("records the sessions the CLI created as foreign, without touching payments", async () => {
    // Triggers its own sessions rather than reading what earlier tests left behind.
    const before = await app.db
      .selectFrom("stripe_webhook_events")
      .select("id")
      .orderBy("id", "desc")
      .executeTakeFirst();
    for (const event of ["checkout.session.completed", "checkout.session.expired"])
      expect((await trigger(event)).code).toBe(0);
    await app.sim.idle();
    const notes = await app.db
      .selectFrom("stripe_webhook_events")
      .select("note")
      .where("event_type", "like", "checkout.session.%")
      .where("id", ">", before?.id ?? 0)
      .execute();
    expect(notes).toHaveLength(2);
    for (const { note } of notes) expect(note).toMatch(/not created by this app/i);
    const payments = await app.db.selectFrom("payments").selectAll().execute();
    expect(payments).toHaveLength(0);
  });
});
