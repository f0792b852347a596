import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role, SubscriptionStatus } from "../../db/schema";
import {
  earnsRenewalReminders,
  queueRenewalReminders,
  reminderDue,
} from "../../app/access/renewal-reminders.server";
import { renderStoredTemplate } from "../../app/email/templates.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser } from "../support/factories";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

const DAY = 24 * 60 * 60 * 1000;
const at = (base: Date, days: number, ms = 0) => new Date(base.getTime() + days * DAY + ms);

/** A member whose current access period was bought by a paid payment of `plan` ending at `end`. */
async function paidMember(
  end: Date,
  options: { role?: Role; plan?: string; status?: SubscriptionStatus } = {},
) {
  const role = options.role ?? "talent";
  const user = await createUser(app.db, {
    role,
    subscription_status: options.status ?? "ACTIVE",
    access_expires_at: end.toISOString(),
  });
  await app.db
    .insertInto("payments")
    .values({
      user_id: user.id,
      plan:
        options.plan ??
        `${role === "talent" ? "talent_annual_membership" : `${role}_annual_access`}`,
      amount: 30000,
      currency: "mad",
      status: "paid",
      idempotency_key: randomBytes(16).toString("hex"),
      access_starts_at: at(end, -365).toISOString(),
      access_ends_at: end.toISOString(),
      paid_at: at(end, -365).toISOString(),
      updated_at: new Date().toISOString(),
    })
    .execute();
  return user;
}

/** The member's queued emails as the dispatcher will render them when it sends. */
async function outboxFor(email: string) {
  const rows = await app.db
    .selectFrom("email_outbox")
    .select(["dedupe_key", "template", "template_version", "props", "status"])
    .where("to_email", "=", email)
    .orderBy("id")
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      expect(row.template).toBe("renewal-reminder");
      const { subject, text } = await renderStoredTemplate(
        row.template ?? "",
        row.template_version,
        row.props,
        "en",
      );
      return { dedupe_key: row.dedupe_key, status: row.status, subject, text };
    }),
  );
}

// Each test uses its own time far from the others, so members of one test are outside the
// windows of another.
let epoch = Date.parse("2031-01-01T00:00:00.000Z");
const nextEnd = () => new Date((epoch += 400 * DAY));

describe("reminderDue", () => {
  const end = new Date("2030-06-01T00:00:00.000Z");
  it.each([
    [-31, 0, null],
    [-30, -1, null],
    [-30, 0, "30-days"],
    [-7, -1, "30-days"],
    [-7, 0, "7-days"],
    [0, -1, "7-days"],
    [0, 0, "ended"],
    [29, 0, "ended"],
    [30, 0, null],
  ] as const)("%i days %i ms from the end: %s", (days, ms, expected) => {
    expect(reminderDue(end, at(end, days, ms))).toBe(expected);
  });
});

describe("earnsRenewalReminders", () => {
  it("only a paid one-time annual plan", () => {
    expect(earnsRenewalReminders({ plan: "talent_annual_membership", status: "paid" })).toBe(true);
    expect(earnsRenewalReminders({ plan: "company_annual_access", status: "paid" })).toBe(true);
    expect(earnsRenewalReminders({ plan: "talent_annual_membership", status: "pending" })).toBe(
      false,
    );
    expect(earnsRenewalReminders({ plan: "talent_annual_subscription", status: "paid" })).toBe(
      false,
    );
  });
});

describe("queueRenewalReminders", () => {
  it("30 days and 7 days before the end and once it has ended, each exactly once, linking the payment page", async () => {
    const end = nextEnd();
    const user = await paidMember(end, { role: "professional" });
    const runs: Array<[number, number]> = [
      [-31, 0],
      [-30, 0],
      [-29, 0],
      [-8, 0],
      [-7, 0],
      [-3, 0],
      [0, 0],
      [1, 0],
      [20, 0],
    ];
    for (const [days, ms] of runs) await queueRenewalReminders(app.db, at(end, days, ms));

    const emails = await outboxFor(user.email);
    expect(emails.map((e) => e.dedupe_key)).toEqual([
      `renewal-reminder:${user.id}:30-days:${end.toISOString()}`,
      `renewal-reminder:${user.id}:7-days:${end.toISOString()}`,
      `renewal-reminder:${user.id}:ended:${end.toISOString()}`,
    ]);
    expect(emails.map((e) => e.subject)).toEqual([
      "Your Professional annual access ends in 30 days: renew now",
      "Your Professional annual access ends in 7 days: renew now",
      "Your Professional annual access has ended: renew now",
    ]);
    for (const email of emails) {
      expect(email.text).toContain("Renew now");
      expect(email.text).toContain("http://localhost:3000/dashboard/professional/payment");
      expect(email.status).toBe("pending");
    }
  });

  it("queues each reminder once when two sweeps run at the same moment", async () => {
    const end = nextEnd();
    const members = await Promise.all([
      paidMember(end),
      paidMember(at(end, -10)),
      paidMember(at(end, -40)),
    ]);
    const moment = at(end, -20);
    const [first, second] = await Promise.all([
      queueRenewalReminders(app.db, moment),
      queueRenewalReminders(app.db, moment),
    ]);
    expect(first + second).toBe(3);
    const rows = await app.db
      .selectFrom("email_outbox")
      .select(["to_email", "dedupe_key"])
      .where(
        "to_email",
        "in",
        members.map((m) => m.email),
      )
      .execute();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.dedupe_key)).size).toBe(3);
    expect(await queueRenewalReminders(app.db, moment)).toBe(0);
  });

  it("a renewal starts a new period with its own reminders", async () => {
    const end = nextEnd();
    const user = await paidMember(end);
    await queueRenewalReminders(app.db, at(end, -10));
    // Renewed: the next year's payment moves the end a year on.
    const nextYearEnd = at(end, 365);
    await app.db
      .updateTable("users")
      .set({ access_expires_at: nextYearEnd.toISOString() })
      .where("id", "=", user.id)
      .execute();
    await app.db
      .insertInto("payments")
      .values({
        user_id: user.id,
        plan: "talent_annual_membership",
        amount: 30000,
        currency: "mad",
        status: "paid",
        idempotency_key: randomBytes(16).toString("hex"),
        access_starts_at: end.toISOString(),
        access_ends_at: nextYearEnd.toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    await queueRenewalReminders(app.db, at(end, 1)); // the old end passed: nothing, the member renewed
    await queueRenewalReminders(app.db, at(nextYearEnd, -25));
    expect((await outboxFor(user.email)).map((e) => e.dedupe_key)).toEqual([
      `renewal-reminder:${user.id}:30-days:${end.toISOString()}`,
      `renewal-reminder:${user.id}:30-days:${nextYearEnd.toISOString()}`,
    ]);
  });

  it("nothing for auto-renewing plans, access without a payment, cancelled access or an end long past", async () => {
    const end = nextEnd();
    const subscriber = await paidMember(end, { plan: "talent_annual_subscription" });
    const granted = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: end.toISOString(),
    });
    const cancelled = await paidMember(end, { status: "CANCELLED" });
    const longGone = await paidMember(at(end, -75), { status: "EXPIRED" });
    for (const days of [-30, -7, 0]) await queueRenewalReminders(app.db, at(end, days));
    for (const user of [subscriber, granted, cancelled, longGone])
      expect(await outboxFor(user.email)).toEqual([]);
  });

  it("an EXPIRED member (after the expiry sweep) still gets the ended reminder", async () => {
    const end = nextEnd();
    const user = await paidMember(end, { status: "EXPIRED" });
    await queueRenewalReminders(app.db, at(end, 2));
    expect((await outboxFor(user.email)).map((e) => e.subject)).toEqual([
      "Your Talent annual membership has ended: renew now",
    ]);
  });
});
