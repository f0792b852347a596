import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { loader as overviewLoader } from "../../app/routes/staff._index";
import { loader as paymentsLoader } from "../../app/routes/staff.payments._index";
import { loader as csvLoader } from "../../app/routes/staff.payments[.csv]";
import { csvCell } from "../../app/staff/csv";
import { revenueByMonth } from "../../app/staff/overview.server";
import { moneyCsvStream } from "../../app/staff/payments-list.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser } from "../support/factories";
import { args, getRequest, run } from "../support/requests";
import { plainMember, staffMember } from "../support/staff";

let app: TestApp;
let db: Kysely<Database>;
let staff: Awaited<ReturnType<typeof staffMember>>;
let member: Awaited<ReturnType<typeof plainMember>>;
const DAY_MS = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  app = await setupTestApp();
  db = app.db;
  staff = await staffMember(db);
  member = await plainMember(db);
});
afterAll(async () => {
  await app.close();
});

let seq = 0;
async function payment(
  userId: number,
  fields: Partial<{
    plan: string;
    amount: number;
    status: "paid" | "failed" | "refunded";
    at: string;
    refunded: number;
    currency: string;
  }> = {},
) {
  seq++;
  const at = fields.at ?? new Date().toISOString();
  const status = fields.status ?? "paid";
  return db
    .insertInto("payments")
    .values({
      user_id: userId,
      plan: fields.plan ?? "talent_annual_membership",
      amount: fields.amount ?? 30000,
      currency: fields.currency ?? "mad",
      status,
      refunded_amount: fields.refunded ?? 0,
      idempotency_key: `k-${seq}-${Math.random()}`,
      stripe_checkout_session_id: `cs_test_${seq}`,
      stripe_payment_intent_id: status === "failed" ? null : `pi_test_${seq}`,
      paid_at: status === "failed" ? null : at,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

type Loader = (a: ReturnType<typeof args>) => Promise<unknown>;

describe("guards of the money pages", () => {
  for (const [path, loader] of [
    ["/staff", overviewLoader],
    ["/staff/payments", paymentsLoader],
    ["/staff/payments.csv", csvLoader],
  ] as const) {
    it(`${path}: visitor 302, member 404, staff 200, private no-store`, async () => {
      const l = loader as Loader;
      expect((await run(() => l(args(getRequest(path))))).status).toBe(302);
      expect((await run(() => l(args(getRequest(path, member.cookie))))).status).toBe(404);
      const ok = await run(() => l(args(getRequest(path, staff.cookie))));
      expect(ok.status).toBe(200);
      expect(ok.headers.get("Cache-Control")).toBe("private, no-store");
    });
  }
});

describe("/staff overview", () => {
  it("counts members by role and status, revenue per month by role in MAD, failures", async () => {
    const company = await createUser(db, { role: "company", subscription_status: "ACTIVE" });
    const now = new Date();
    const thisMonth = now.toISOString().slice(0, 7);
    const lastMonthDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    await payment(company.id, { plan: "company_annual_access", amount: 350000 });
    await payment(company.id, {
      plan: "company_annual_access",
      amount: 350000,
      refunded: 350000,
      at: lastMonthDate.toISOString(),
    });
    await payment(member.user.id, { amount: 30000 });
    await payment(member.user.id, { status: "failed" });
    // other currencies and subscription checkouts are not MAD annual revenue
    await payment(member.user.id, { amount: 999, currency: "usd" });
    await payment(member.user.id, { plan: "talent_monthly", amount: 3000 });
    // 13 months ago: outside the chart
    await payment(member.user.id, {
      amount: 77700,
      at: new Date(now.getTime() - 400 * DAY_MS).toISOString(),
    });
    const outcome = await run<{
      members: { role: string; byStatus: Record<string, number> }[];
      revenue: { month: string; byRole: Record<string, number> }[];
      failedPayments30Days: number;
    }>(() => overviewLoader(args(getRequest("/staff", staff.cookie))));
    const o = outcome.data!;
    const companies = o.members.find((m) => m.role === "company")!;
    expect(companies.byStatus.ACTIVE).toBeGreaterThanOrEqual(1);
    expect(o.revenue).toHaveLength(12);
    expect(o.revenue.at(-1)).toEqual({
      month: thisMonth,
      byRole: { talent: 30000, professional: 0, company: 350000 },
    });
    expect(o.revenue.at(-2)).toEqual({
      month: lastMonthDate.toISOString().slice(0, 7),
      byRole: { talent: 0, professional: 0, company: 350000 },
    });
    expect(o.revenue.slice(0, -2).every((m) => m.byRole.talent === 0)).toBe(true);
    expect(o.failedPayments30Days).toBe(1);
  });

  it("keeps revenue_months equal to a fresh sum of the payments through every write, refunds included", async () => {
    const someone = await createUser(db, { role: "professional" });
    const march = "2025-03-10T10:00:00.000Z";
    const april = "2025-04-02T10:00:00.000Z";
    const plan = "professional_annual_access";
    const a = await payment(someone.id, { plan, amount: 150000, at: march });
    const b = await payment(someone.id, { plan, amount: 150000, at: march });
    const c = await payment(someone.id, { plan, amount: 150000, status: "failed", at: march });
    // refunded in full: still gross revenue of its month
    await db
      .updateTable("payments")
      .set({ status: "refunded", refunded_amount: 150000 })
      .where("id", "=", a.id)
      .execute();
    // a failed payment later paid: counts from then
    await db
      .updateTable("payments")
      .set({ status: "paid", paid_at: april, stripe_payment_intent_id: "pi_late_paid" })
      .where("id", "=", c.id)
      .execute();
    // a payment moved to another month, one deleted
    await db.updateTable("payments").set({ paid_at: april }).where("id", "=", b.id).execute();
    const d = await payment(someone.id, { plan, amount: 99, at: march });
    await db.deleteFrom("payments").where("id", "=", d.id).execute();

    const kept = async (month: string) =>
      db
        .selectFrom("revenue_months")
        .select(["amount", "payments"])
        .where("month", "=", month)
        .where("plan", "=", plan)
        .where("currency", "=", "mad")
        .executeTakeFirst();
    expect((await kept("2025-03"))!.payments).toBe(1);
    expect(Number((await kept("2025-03"))!.amount)).toBe(150000);
    expect(Number((await kept("2025-04"))!.amount)).toBe(300000);

    // and the whole table equals what summing the payments gives
    const fresh = await db
      .selectFrom("payments")
      .select(["plan", "currency", "paid_at", "amount"])
      .where("status", "in", ["paid", "refunded"])
      .where("paid_at", "is not", null)
      .execute();
    const expected = new Map<string, number>();
    for (const p of fresh) {
      const k = `${p.paid_at!.slice(0, 7)}|${p.plan}|${p.currency}`;
      expected.set(k, (expected.get(k) ?? 0) + p.amount);
    }
    const table = await db.selectFrom("revenue_months").selectAll().execute();
    const actual = new Map(
      table
        .filter((r) => Number(r.amount) !== 0 || r.payments !== 0)
        .map((r) => [`${r.month}|${r.plan}|${r.currency}`, Number(r.amount)]),
    );
    expect(actual).toEqual(expected);
  });

  it("shows a payment in the overview's revenue at once (nothing kept in memory)", async () => {
    const now = new Date();
    const before = await revenueByMonth(db, now);
    const someone = await createUser(db, { role: "talent" });
    await payment(someone.id, { amount: 30000 });
    const after = await revenueByMonth(db, now);
    expect(after.at(-1)!.byRole.talent - before.at(-1)!.byRole.talent).toBe(30000);
  });

  it("renders the revenue chart as SVG on the server (no script)", async () => {
    const { renderToString } = await import("react-dom/server");
    const { createElement } = await import("react");
    const { RevenueChart, revenueChartData } = await import("../../app/components/revenue-chart");
    const bars = [
      { month: "2026-11", byRole: { talent: 30000, professional: 150000, company: 0 } },
    ];
    const html = renderToString(
      createElement(RevenueChart, {
        data: revenueChartData(bars, "mad", "en"),
        title: "Revenue",
        roleNames: { talent: "Talent", professional: "Professional", company: "Company" },
        barTitle: (role, month, amount) => `${role}, ${month}: ${amount}`,
      }),
    );
    expect(html).toContain("<svg");
    expect(html).toContain("Professional, November 2026: MAD\u00a01,500.00");
    // the axis: the short month, and a top of 2,000 whole MAD above the 1,800 of the bar
    expect(html).toContain(">Nov 26</text>");
    expect(html).toContain(">2,000</text>");
    expect(html).not.toContain("<script");
    // in French, months, amounts and figures as French writes them
    const fr = revenueChartData(bars, "mad", "fr");
    expect(fr.bars[0]).toMatchObject({
      label: "nov. 26",
      name: "novembre 2026",
      amounts: { professional: "1\u202f500,00\u00a0MAD" },
    });
    expect(fr.ticks.at(-1)).toEqual({ value: 2000, label: "2\u202f000" });
  });
});

describe("/staff/payments", () => {
  it("lists newest first 50 a page by keyset, filtered by status, role and dates", async () => {
    const pro = await createUser(db, { role: "professional" });
    const base = Date.parse("2026-01-10T10:00:00.000Z");
    for (let i = 0; i < 60; i++)
      await payment(pro.id, {
        plan: "professional_annual_access",
        amount: 150000,
        at: new Date(base + i * 60_000).toISOString(),
      });
    const path = "/staff/payments?role=professional&status=paid&from=2026-01-10&to=2026-01-10";
    const first = await run<{ rows: { date: string; role: string }[]; nextPath: string }>(() =>
      paymentsLoader(args(getRequest(path, staff.cookie))),
    );
    expect(first.data!.rows).toHaveLength(50);
    expect(first.data!.rows.every((r) => r.role === "professional")).toBe(true);
    const second = await run<{ rows: unknown[]; nextPath: string | null }>(() =>
      paymentsLoader(args(getRequest(first.data!.nextPath, staff.cookie))),
    );
    expect(second.data!.rows).toHaveLength(10);
    expect(second.data!.nextPath).toBeNull();
    const odd = await run(() =>
      paymentsLoader(
        args(
          getRequest(
            "/staff/payments?status=evil&role=x&from=2026-99-99&after=garbage",
            staff.cookie,
          ),
        ),
      ),
    );
    expect(odd.status).toBe(200);
  });
});

describe("/staff/payments.csv", () => {
  it("neutralises formulas and escapes commas, quotes and line breaks", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1 555")).toBe("'+1 555");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("Doe, Jane")).toBe('"Doe, Jane"');
    expect(csvCell('Say "hi"')).toBe('"Say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
  });

  it("streams every row of the filters with the members' names made safe", async () => {
    const tricky = await createUser(db, {
      role: "company",
      name: '=cmd|" /C calc"!A0, "Boss"',
      email: "csv@example.test",
    });
    await payment(tricky.id, {
      plan: "company_annual_access",
      amount: 350000,
      refunded: 1000,
      at: "2026-03-01T09:00:00.000Z",
    });
    const outcome = await run(() =>
      (csvLoader as Loader)(
        args(
          getRequest(
            "/staff/payments.csv?role=company&from=2026-03-01&to=2026-03-01",
            staff.cookie,
          ),
        ),
      ),
    );
    expect(outcome.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(outcome.headers.get("Content-Disposition")).toMatch(/^attachment; filename="payments-/);
    const text = await outcome.response!.text();
    const lines = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(
      "date,member,email,role,plan,amount_minor_units,currency,status,refunded_minor_units,invoice_number,kind,stripe_payment_intent,stripe_checkout_session,stripe_invoice,stripe_customer,stripe_subscription",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^2026-03-01T09:00:00.000Z,"'=cmd\|"" \/C calc""!A0, ""Boss""",csv@example.test,company,company_annual_access,350000,MAD,paid,1000,,payment,pi_test_\d+,cs_test_\d+,,,$/,
    );
  });

  it("reads a large export in keyset batches, every row once", async () => {
    const user = await createUser(db, { role: "talent", name: "Batch" });
    const at = Date.parse("2025-05-05T00:00:00.000Z");
    const rows = Array.from({ length: 2_345 }, (_, i) => ({
      user_id: user.id,
      plan: "talent_annual_membership",
      amount: 30000,
      currency: "mad",
      status: "paid" as const,
      idempotency_key: `batch-${i}`,
      paid_at: new Date(at + Math.floor(i / 3) * 1000).toISOString(), // ties on the time
      created_at: new Date(at + Math.floor(i / 3) * 1000).toISOString(),
      updated_at: new Date(at).toISOString(),
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto("payments")
        .values(rows.slice(i, i + 500))
        .execute();
    const stream = moneyCsvStream(
      db,
      {
        kind: "payments",
        status: undefined,
        role: undefined,
        from: "2025-05-05",
        to: "2025-05-05",
      },
      ["payments"],
      400,
    );
    const reader = stream.getReader();
    let chunks = 0;
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value);
    }
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(1 + 2_345);
    expect(chunks).toBeGreaterThanOrEqual(6); // header + ceil(2345 / 400) batches
  });
});
