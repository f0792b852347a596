import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { enqueueEmail } from "../../app/email/outbox.server";
import { templateVersion } from "../../app/email/templates.server";
import type { EmailTransport } from "../../app/email/transport.server";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import { setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment, createUser } from "../support/factories";
import {
  postmarkTransportTo,
  startPostmarkSink,
  type PostmarkSink,
} from "../support/postmark-sink";
import { args } from "../support/requests";
import { stripeEvent, webhookRequest, sessionForPayment } from "../support/stripe-events";

// The webhook queues the confirmation by template and props inside its transaction; the
// dispatcher renders it when it sends. Exactly once still holds end to end.
let app: TestApp;
let sink: PostmarkSink;
let postmark: EmailTransport;
beforeAll(async () => {
  app = await setupTestApp();
  sink = await startPostmarkSink();
  postmark = postmarkTransportTo(sink.url);
});
afterAll(async () => {
  await sink.close();
  await app.close();
});

const rowsFor = (email: string) =>
  app.db.selectFrom("email_outbox").selectAll().where("to_email", "=", email).execute();

describe("emails rendered when they are sent", () => {
  it("ten concurrent deliveries queue one unrendered row; two dispatchers send it once, rendered", async () => {
    const user = await createUser(app.db, { name: "Nadia Send" });
    // Written in the member's language when sent (tests/i18n has the French side).
    await app.db.updateTable("users").set({ locale: "en" }).where("id", "=", user.id).execute();
    const payment = await createPendingPayment(app.db, user, { plan: "talent_annual_membership" });
    const session = sessionForPayment(payment, {});
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", session));
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        webhookAction(args(webhookRequest(payload))).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));

    const [queued, ...others] = await rowsFor(user.email);
    expect(others).toHaveLength(0);
    expect(queued).toMatchObject({
      template: "payment-confirmation",
      template_version: templateVersion("payment-confirmation"),
      subject: null,
      html: null,
      text: null,
      status: "pending",
    });

    sink.requests.length = 0;
    const [a, b] = await Promise.all([
      dispatchDueEmails(app.db, postmark, () => new Date()),
      dispatchDueEmails(app.db, postmark, () => new Date()),
    ]);
    expect(a.sent + b.sent).toBe(1);
    await dispatchDueEmails(app.db, postmark, () => new Date());
    const sent = sink.requests.filter((r) => r.body.To === user.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      Subject: "Payment received: Talent annual membership",
      Tag: "payment-confirmation",
    });
    expect(String(sent[0]?.body.TextBody)).toContain("Hello Nadia Send");
    expect(String(sent[0]?.body.TextBody)).toContain("MAD\u00a0300.00");
    expect(String(sent[0]?.body.HtmlBody)).toMatch(/^<!DOCTYPE html/i);

    // What went out is kept on the row (for support and the dev mailbox).
    const [row] = await rowsFor(user.email);
    expect(row).toMatchObject({
      status: "sent",
      attempts: 1,
      subject: "Payment received: Talent annual membership",
    });
    expect(row?.text).toBe(sent[0]?.body.TextBody);
    expect(row?.html).toBe(sent[0]?.body.HtmlBody);
  });

  it("a row whose template or props version this code does not know fails once, and nothing is sent", async () => {
    await enqueueEmail(app.db, {
      dedupeKey: "confirmation:future",
      to: "future@example.test",
      template: "payment-confirmation",
      props: {
        name: "x",
        planName: "y",
        amount: "1 MAD",
        paidOn: "d",
        reference: "r",
        accessEndsOn: "e",
        dashboardUrl: "http://x",
      },
    });
    await app.db
      .updateTable("email_outbox")
      .set({ template_version: 99 })
      .where("dedupe_key", "=", "confirmation:future")
      .execute();
    await app.db
      .insertInto("email_outbox")
      .values({
        dedupe_key: "unknown:1",
        to_email: "future@example.test",
        template: "welcome-aboard",
        template_version: 1,
        props: "{}",
        next_attempt_at: new Date().toISOString(),
      })
      .execute();
    sink.requests.length = 0;
    expect(await dispatchDueEmails(app.db, postmark, () => new Date())).toEqual({
      sent: 0,
      failed: 2,
    });
    const rows = await rowsFor("future@example.test");
    expect(rows.map((r) => [r.dedupe_key, r.status, r.attempts])).toEqual([
      ["confirmation:future", "failed", 1],
      ["unknown:1", "failed", 1],
    ]);
    expect(rows[0]?.last_error).toMatch(/no props version 99/);
    expect(rows[1]?.last_error).toMatch(/Unknown email template welcome-aboard/);
    expect(sink.requests).toHaveLength(0);
  });
});
