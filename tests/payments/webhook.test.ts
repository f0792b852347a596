import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { templateVersion } from "../../app/email/templates.server";
import { devMailboxTransport } from "../../app/email/transport.server";
import { formatDate } from "../../app/i18n/format";
import { action, loader } from "../../app/routes/api.webhooks.stripe";
import type Stripe from "stripe";
import {
  handleStripeWebhook,
  MAX_WEBHOOK_BODY_BYTES,
} from "../../app/stripe-events/webhook.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser, daysFromNow, reloadUser } from "../support/factories";
import { args } from "../support/requests";
import {
  checkoutSessionObject,
  signatureFor,
  stripeEvent,
  webhookRequest,
  sessionForPayment,
} from "../support/stripe-events";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

const post = (request: Request) => action(args(request));

async function countRows(table: "stripe_webhook_events" | "email_outbox" | "payments") {
  const row = await app.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function paidSetup(
  options: {
    access_expires_at?: string | null;
    subscription_status?: "NONE" | "ACTIVE" | "EXPIRED";
  } = {},
) {
  const user = await createUser(app.db, options);
  const payment = await createPendingPayment(app.db, user);
  const session = sessionForPayment(payment, {});
  return { user, payment, session };
}

async function eventRow(eventId: string) {
  return app.db
    .selectFrom("stripe_webhook_events")
    .selectAll()
    .where("event_id", "=", eventId)
    .executeTakeFirst();
}

describe("webhook signature and body checks", () => {
  it("refuses a missing signature with 400 and writes nothing", async () => {
    const before = await countRows("stripe_webhook_events");
    const response = await post(
      webhookRequest(stripeEvent("ping.test", { id: "x" }), { signature: null }),
    );
    expect(response.status).toBe(400);
    expect(await countRows("stripe_webhook_events")).toBe(before);
  });

  it("refuses a signature made with an unknown secret", async () => {
    const response = await post(
      webhookRequest(stripeEvent("ping.test", { id: "x" }), { secret: "whsec_somebody_else" }),
    );
    expect(response.status).toBe(400);
  });

  it("refuses a stale signature (older than 300 s)", async () => {
    const event = stripeEvent("ping.test", { id: "x" });
    const response = await post(
      webhookRequest(event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    );
    expect(response.status).toBe(400);
    expect(await eventRow(event.id)).toBeUndefined();
  });

  it("accepts the second secret of the list (rotation)", async () => {
    const event = stripeEvent("ping.test", { id: "x" });
    const response = await post(webhookRequest(event, { secret: app.webhookSecrets[1] }));
    expect(response.status).toBe(200);
    expect((await eventRow(event.id))?.processed).toBe(1);
  });

  it("refuses a re-serialised body: the signature covers the exact bytes", async () => {
    const event = stripeEvent("ping.test", { id: "x" });
    const original = JSON.stringify(event, null, 2);
    const reserialised = JSON.stringify(JSON.parse(original));
    const response = await post(
      webhookRequest(reserialised, { signature: signatureFor(original) }),
    );
    expect(response.status).toBe(400);
    expect(await eventRow(event.id)).toBeUndefined();
  });

  it("refuses a signed body that is not JSON with 400", async () => {
    const response = await post(webhookRequest("{not json"));
    expect(response.status).toBe(400);
  });

  it("refuses a body over 1 MiB with 413 from Content-Length and while streaming, writing nothing", async () => {
    const before = await countRows("stripe_webhook_events");
    const big = JSON.stringify({
      ...stripeEvent("ping.test", { id: "x" }),
      padding: "x".repeat(MAX_WEBHOOK_BODY_BYTES),
    });
    expect((await post(webhookRequest(big))).status).toBe(413);

    // No Content-Length: a stream the route must stop reading once it passes the limit.
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 8 * MAX_WEBHOOK_BODY_BYTES) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const request = new Request("http://localhost:3000/api/webhooks/stripe", {
      method: "POST",
      body: stream,
      headers: { "Stripe-Signature": signatureFor("x") },
      duplex: "half",
    } as RequestInit);
    expect((await post(request)).status).toBe(413);
    expect(pulled).toBeLessThan(2 * MAX_WEBHOOK_BODY_BYTES);
    expect(await countRows("stripe_webhook_events")).toBe(before);
  });

  it("answers 405 to GET", async () => {
    const response = await loader();
    expect(response.status).toBe(405);
  });
});

describe("checkout.session.completed", () => {
  it("the same event delivered 10 times at once fulfils once: one paid payment, one status change, one email", async () => {
    const { user, payment, session } = await paidSetup();
    const event = stripeEvent("checkout.session.completed", session);
    const payload = JSON.stringify(event);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => post(webhookRequest(payload)).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(10).fill(200));

    const paid = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(paid.status).toBe("paid");
    expect(paid.stripe_payment_intent_id).toBe(session.payment_intent);
    expect(paid.access_ends_at).not.toBeNull();
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("ACTIVE");
    expect(fresh.access_expires_at).toBe(paid.access_ends_at);
    const emails = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.dedupe_key).toBe(`payment-confirmation:${payment.id}`);
    // Queued by template and props; rendered when the dispatcher sends it.
    expect(emails[0]).toMatchObject({
      template: "payment-confirmation",
      template_version: templateVersion("payment-confirmation"),
      html: null,
      text: null,
    });
    // Minor units: the dispatcher writes the amount in the member's language when it sends.
    expect(JSON.parse(emails[0]!.props!)).toMatchObject({
      amount: { amount: 30000, currency: "mad" },
      name: user.name,
    });
    const row = await eventRow(event.id);
    expect(row?.processed).toBe(1);
    expect(row?.attempt_count).toBe(1);
  });

  it("two different events for the same session fulfil once", async () => {
    const { user, session } = await paidSetup();
    await post(webhookRequest(stripeEvent("checkout.session.completed", session)));
    const before = await reloadUser(app.db, user.id);
    await post(webhookRequest(stripeEvent("checkout.session.async_payment_succeeded", session)));
    const after = await reloadUser(app.db, user.id);
    expect(after.access_expires_at).toBe(before.access_expires_at);
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute(),
    ).toHaveLength(1);
  });

  it("an unpaid completed session (delayed method) is recorded and waits; async_payment_succeeded then fulfils", async () => {
    const { user, payment, session } = await paidSetup();
    const unpaid = stripeEvent("checkout.session.completed", {
      ...session,
      payment_status: "unpaid",
    });
    expect((await post(webhookRequest(unpaid))).status).toBe(200);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    expect((await eventRow(unpaid.id))?.note).toMatch(/waiting/);

    await post(webhookRequest(stripeEvent("checkout.session.async_payment_succeeded", session)));
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("paid");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });

  it("two payments of one user fulfilled at once stack: each email announces its own end date", async () => {
    const user = await createUser(app.db);
    const sessions = [];
    for (let i = 0; i < 2; i++) {
      const payment = await createPendingPayment(app.db, user);
      sessions.push(sessionForPayment(payment, {}));
    }
    // Both sessions are paid, so neither is open at Stripe (there is no stand-in here to ask):
    // the completion of one has no other open Checkout to expire.
    await app.db
      .updateTable("payments")
      .set({ checkout_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("user_id", "=", user.id)
      .execute();
    const statuses = await Promise.all(
      sessions.map((s) =>
        post(webhookRequest(stripeEvent("checkout.session.completed", s))).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([200, 200]);

    const paid = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("user_id", "=", user.id)
      .orderBy("access_ends_at")
      .execute();
    expect(paid.map((p) => p.status)).toEqual(["paid", "paid"]);
    expect(paid[1]?.access_starts_at).toBe(paid[0]?.access_ends_at);
    expect((await reloadUser(app.db, user.id)).access_expires_at).toBe(paid[1]?.access_ends_at);
    await dispatchDueEmails(app.db, devMailboxTransport, () => new Date());
    const emails = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .execute();
    expect(emails).toHaveLength(2);
    for (const p of paid) {
      const email = emails.find((e) => e.dedupe_key === `payment-confirmation:${p.id}`);
      // The member never chose a language: French, the day in Casablanca.
      const endsOn = formatDate(p.access_ends_at!, "fr");
      expect(email?.text).toContain(`Acc\u00e8s jusqu'au\u00a0: ${endsOn}`);
    }
  });

  it("renewal extends one year from the old end date", async () => {
    const oldEnd = daysFromNow(20);
    const { user, session } = await paidSetup({
      subscription_status: "ACTIVE",
      access_expires_at: oldEnd,
    });
    await post(webhookRequest(stripeEvent("checkout.session.completed", session)));
    const expected = new Date(oldEnd);
    expected.setUTCFullYear(expected.getUTCFullYear() + 1);
    expect((await reloadUser(app.db, user.id)).access_expires_at).toBe(expected.toISOString());
  });

  it("an amount mismatch does not fulfil and is recorded", async () => {
    const { user, payment, session } = await paidSetup();
    const event = stripeEvent("checkout.session.completed", { ...session, amount_total: 100 });
    expect((await post(webhookRequest(event))).status).toBe(200);
    const row = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    expect(row.failure_message).toMatch(/mismatch/i);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    expect((await eventRow(event.id))?.note).toMatch(/mismatch/i);
  });

  it("a session this app did not create is recorded as processed with a note", async () => {
    const event = stripeEvent("checkout.session.completed", checkoutSessionObject());
    const before = await countRows("payments");
    expect((await post(webhookRequest(event))).status).toBe(200);
    const row = await eventRow(event.id);
    expect(row?.processed).toBe(1);
    expect(row?.note).toMatch(/not created by this app/);
    expect(await countRows("payments")).toBe(before);
  });
});

describe("other events", () => {
  it("unknown event types are recorded as processed", async () => {
    const event = stripeEvent("customer.created", { id: "cus_123", object: "customer" });
    expect((await post(webhookRequest(event))).status).toBe(200);
    const row = await eventRow(event.id);
    expect(row).toMatchObject({ event_type: "customer.created", processed: 1 });
  });

  it("expired: a pending payment becomes expired", async () => {
    const { payment, session } = await paidSetup();
    await post(
      webhookRequest(
        stripeEvent("checkout.session.expired", {
          ...session,
          status: "expired",
          payment_status: "unpaid",
        }),
      ),
    );
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("expired");
  });

  it("expired after completed does not un-pay", async () => {
    const { user, payment, session } = await paidSetup();
    await post(webhookRequest(stripeEvent("checkout.session.completed", session)));
    await post(
      webhookRequest(stripeEvent("checkout.session.expired", { ...session, status: "expired" })),
    );
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("paid");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });

  it("completed after expired still fulfils", async () => {
    const { user, payment, session } = await paidSetup();
    await post(
      webhookRequest(
        stripeEvent("checkout.session.expired", {
          ...session,
          status: "expired",
          payment_status: "unpaid",
        }),
      ),
    );
    await post(webhookRequest(stripeEvent("checkout.session.completed", session)));
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("paid");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
  });

  it("async_payment_failed marks the payment failed and queues one 'payment failed' email", async () => {
    const { user, payment, session } = await paidSetup();
    const failed = { ...session, payment_status: "unpaid" as const };
    await post(webhookRequest(stripeEvent("checkout.session.async_payment_failed", failed)));
    await post(webhookRequest(stripeEvent("checkout.session.async_payment_failed", failed)));
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    const emails = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .execute();
    expect(emails.map((e) => e.dedupe_key)).toEqual([`payment-failed:${payment.id}`]);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });
});

describe("handler failures", () => {
  it("a failing handler answers 500, rolls its effects back, keeps attempt_count and error_message; the retry succeeds", async () => {
    const { user, payment, session } = await paidSetup();
    const event = stripeEvent("checkout.session.completed", session);
    const payload = JSON.stringify(event);
    const failing = (request: Request) =>
      handleStripeWebhook(request, {
        db: app.db,
        onEffectsApplied: (e: Stripe.Event) => {
          if (e.id === event.id) throw new Error("disk on fire");
        },
      });
    expect((await failing(webhookRequest(payload))).status).toBe(500);
    expect((await failing(webhookRequest(payload))).status).toBe(500);

    let row = await eventRow(event.id);
    expect(row).toMatchObject({ processed: 0, attempt_count: 2 });
    expect(row?.error_message).toContain("disk on fire");
    const pending = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(pending.status).toBe("pending");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute(),
    ).toHaveLength(0);

    expect((await post(webhookRequest(payload))).status).toBe(200);
    row = await eventRow(event.id);
    expect(row).toMatchObject({ processed: 1, attempt_count: 3 });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("ACTIVE");
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute(),
    ).toHaveLength(1);
  });
});
