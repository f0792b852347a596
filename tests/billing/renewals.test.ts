import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runRenewalNotices } from "../../app/billing/renewal-notices.server";
import { createUser } from "../support/factories";
import {
  clockNow,
  DAY,
  emailKeys,
  moveClock,
  renderedEmails,
  setupBillingApp,
  subscribe,
  subscriptionRow,
  type BillingTestApp,
} from "../support/billing";

let app: BillingTestApp;
beforeAll(async () => {
  app = await setupBillingApp();
});
afterAll(async () => {
  await app.close();
});

describe("renewals: 3-D Secure and the yearly notice", () => {
  it("a renewal the bank wants authenticated gets an email opening the invoice's hosted page, not 'update your card'", async () => {
    const user = await createUser(app.db, { role: "talent" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, {
      trialDays: 3,
      card: "pm_card_authenticationRequired",
    });
    await app.sim.idle();
    const start = await clockNow(app.stripe, clockId);
    await moveClock(app.stripe, app.sim, clockId, start + 3 * DAY + 2 * 3600);

    const keys = await emailKeys(app.db, user.email);
    expect(keys).toContain("payment-action-required:in");
    expect(keys).not.toContain("subscription-payment-failed:in");
    const row = await subscriptionRow(app.db, subscription.id);
    const invoice = await app.stripe.invoices.retrieve(row.latest_invoice_id!);
    expect(invoice.status).toBe("open");
    const email = (await renderedEmails(app.db, user.email)).find((e) =>
      e.dedupeKey.startsWith("payment-action-required:"),
    )!;
    expect(email.subject).toMatch(/confirm the payment/i);
    expect(email.text).toContain(invoice.hosted_invoice_url!);
  });

  it("a yearly plan gets one notice RENEWAL_NOTICE_DAYS (7) before it renews, once per period", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const { subscription, clockId } = await subscribe(app.db, app.stripe, user, {
      choice: "yearly",
    });
    await app.sim.idle();
    const row = await subscriptionRow(app.db, subscription.id);
    const periodEnd = Date.parse(row.current_period_end!);

    // Eight days before: not yet.
    expect(await runRenewalNotices(app.db, new Date(periodEnd - 8 * DAY * 1000))).toEqual([]);
    const due = new Date(periodEnd - 6 * DAY * 1000);
    expect(await runRenewalNotices(app.db, due)).toEqual([
      `subscription ${subscription.id}: renewal notice queued for ${row.current_period_end}`,
    ]);
    expect(await runRenewalNotices(app.db, new Date(due.getTime() + 3600_000))).toEqual([]);
    const notice = (await renderedEmails(app.db, user.email)).find((e) =>
      e.dedupeKey.startsWith("renewal-notice:"),
    )!;
    expect(notice.text).toMatch(/MAD\s1,500\.00/);
    expect(notice.text).toMatch(/cancel/i);

    // The next period has its own notice.
    await moveClock(app.stripe, app.sim, clockId, Math.floor(periodEnd / 1000) + 2 * 3600);
    const renewed = await subscriptionRow(app.db, subscription.id);
    expect(renewed.current_period_end).not.toBe(row.current_period_end);
    const nextDue = new Date(Date.parse(renewed.current_period_end!) - 6 * DAY * 1000);
    expect(await runRenewalNotices(app.db, nextDue)).toHaveLength(1);
    expect(
      (await emailKeys(app.db, user.email)).filter((k) => k.startsWith("renewal-notice:")),
    ).toHaveLength(2);
  });
});
