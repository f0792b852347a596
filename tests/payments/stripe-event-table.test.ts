import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventTable, on } from "../../app/stripe-events/entry.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { stripeEvents } from "../../app/stripe-events/table.server";
import { handleStripeWebhook } from "../../app/stripe-events/webhook.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser } from "../support/factories";
import {
  checkoutSessionObject,
  sessionForPayment,
  stripeEvent,
  webhookRequest,
} from "../support/stripe-events";

// The one table of Stripe events and the one entry point that applies them.
let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

const ledgerRow = (eventId: string) =>
  app.db
    .selectFrom("stripe_webhook_events")
    .selectAll()
    .where("event_id", "=", eventId)
    .executeTakeFirstOrThrow();

describe("the event table", () => {
  it("refuses a type registered twice when it is built", () => {
    const entry = { apply: async () => null };
    expect(() =>
      eventTable([on("invoice.paid", entry), on("checkout.session.expired", entry)]),
    ).not.toThrow();
    expect(() => eventTable([on("invoice.paid", entry), on("invoice.paid", entry)])).toThrow(
      /invoice\.paid is registered twice/,
    );
  });

  it("names every handled type in full", () => {
    const types = [...stripeEvents.keys()];
    expect(types).toContain("checkout.session.completed");
    expect(types).toContain("invoice.paid");
    expect(types).toContain("customer.subscription.trial_will_end");
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
  });

  it("records a type it does not hold as not handled and answers 200, prefix look-alikes too", async () => {
    for (const type of ["customer.created", "invoice.made_up_type", "checkout.session.made_up"]) {
      const event = stripeEvent(type, checkoutSessionObject());
      const response = await handleStripeWebhook(webhookRequest(event), { db: app.db });
      expect(response.status).toBe(200);
      expect(await ledgerRow(event.id)).toMatchObject({
        processed: 1,
        note: "event type not handled by this app",
      });
    }
  });
});

describe("processVerifiedEvent", () => {
  it("runs prepare before the transaction and apply inside it, once per event", async () => {
    const calls: string[] = [];
    const table = eventTable([
      on("invoice.paid", {
        prepare: async (event, ctx) => {
          calls.push(`prepare:${String(await ctx.alreadyProcessed())}`);
          return event.data.object.id;
        },
        apply: async (trx, _event, invoiceId) => {
          const inLedger = await trx
            .selectFrom("stripe_webhook_events")
            .select("processed")
            .where("event_id", "=", event.id)
            .executeTakeFirst();
          calls.push(`apply:${invoiceId}:${inLedger?.processed}`);
          return `saw ${invoiceId}`;
        },
      }),
    ]);
    const event = stripeEvent("invoice.paid", { object: "invoice", id: "in_table_test" });
    const options = { db: app.db, now: new Date(), source: "replay" as const, table };
    expect(await processVerifiedEvent(event, options)).toEqual({ ok: true, status: "processed" });
    expect(await processVerifiedEvent(event, options)).toEqual({ ok: true, status: "duplicate" });
    // The row is written (processed = 0) before apply; the second time prepare learns it is done.
    expect(calls).toEqual(["prepare:false", "apply:in_table_test:0", "prepare:true"]);
    expect(await ledgerRow(event.id)).toMatchObject({
      processed: 1,
      note: "saw in_table_test",
      event_type: "invoice.paid",
    });
  });

  it("a failed event is on record and a later replay applies it once", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const event = stripeEvent("checkout.session.completed", sessionForPayment(payment));
    const failed = await processVerifiedEvent(event, {
      db: app.db,
      now: new Date(),
      source: "webhook",
      onEffectsApplied: () => {
        throw new Error("first attempt fails");
      },
    });
    expect(failed.ok).toBe(false);
    expect(await ledgerRow(event.id)).toMatchObject({ processed: 0, attempt_count: 1 });
    const paymentStatus = () =>
      app.db
        .selectFrom("payments")
        .select("status")
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow();
    expect(await paymentStatus()).toEqual({ status: "pending" });

    const replayed = await processVerifiedEvent(event, {
      db: app.db,
      now: new Date(),
      source: "replay",
    });
    expect(replayed).toEqual({ ok: true, status: "processed" });
    expect(await paymentStatus()).toEqual({ status: "paid" });
    expect(await ledgerRow(event.id)).toMatchObject({ processed: 1, attempt_count: 2 });
  });

  it("a setup-mode Checkout Session buys nothing", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const event = stripeEvent(
      "checkout.session.completed",
      sessionForPayment(payment, { mode: "setup", payment_status: "no_payment_required" }),
    );
    expect(
      await processVerifiedEvent(event, { db: app.db, now: new Date(), source: "sync" }),
    ).toEqual({ ok: true, status: "processed" });
    expect((await ledgerRow(event.id)).note).toMatch(/^setup-mode session/);
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });
});
