import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { accessFor } from "../../app/access/guard.server";
import { setClockOffset } from "../../app/lib/clock.server";
import { expireLapsedAccess } from "../../app/payments/sweep.server";
import { loader as layoutLoader } from "../../app/routes/staff";
import { loader as overviewLoader } from "../../app/routes/staff._index";
import { loader as auditLoader } from "../../app/routes/staff.audit";
import { loader as eventsLoader } from "../../app/routes/staff.events";
import { loader as emailsLoader } from "../../app/routes/staff.emails._index";
import { loader as membersLoader } from "../../app/routes/staff.members._index";
import { action as memberAction, loader as memberLoader } from "../../app/routes/staff.members.$id";
import { loader as dashboardLoader } from "../../app/routes/dashboard.$role";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, reloadUser } from "../support/factories";
import { args, getRequest, run } from "../support/requests";
import type { MemberActionData } from "../../app/staff/member-page.server";
import {
  auditRows,
  english,
  nonce,
  plainMember,
  STAFF_PASSWORD,
  staffMember,
  staffPost,
} from "../support/staff";

const DAY_MS = 24 * 60 * 60 * 1000;
let app: TestApp;
let db: Kysely<Database>;
let staff: Awaited<ReturnType<typeof staffMember>>;
let member: Awaited<ReturnType<typeof plainMember>>;

beforeAll(async () => {
  app = await setupTestApp({ env: { APP_TEST_CLOCK: "1" } });
  db = app.db;
  staff = await staffMember(db);
  member = await plainMember(db);
});
afterAll(async () => {
  await app.close();
});
afterEach(() => {
  setClockOffset(0);
});

type Loader = (a: ReturnType<typeof args>) => Promise<unknown>;
const pages: { path: string; loader: Loader; params?: () => Record<string, string> }[] = [
  { path: "/staff", loader: layoutLoader as Loader },
  { path: "/staff", loader: overviewLoader as Loader },
  { path: "/staff/members", loader: membersLoader as Loader },
  {
    path: "/staff/members/:id",
    loader: memberLoader as Loader,
    params: () => ({ id: String(member.user.id) }),
  },
  { path: "/staff/audit", loader: auditLoader as Loader },
  { path: "/staff/events", loader: eventsLoader as Loader },
  { path: "/staff/emails", loader: emailsLoader as Loader },
];

describe("the staff guard", () => {
  for (const page of pages) {
    it(`${page.path}: visitor 302 to login, member 404, staff 200, never cached`, async () => {
      const params = page.params?.() ?? {};
      const path = page.path.replace(":id", params.id ?? "");
      const visitor = await run(() => page.loader(args(getRequest(path), params)));
      expect(visitor.status).toBe(302);
      expect(visitor.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
      const notStaff = await run(() => page.loader(args(getRequest(path, member.cookie), params)));
      expect(notStaff.status).toBe(404);
      expect(notStaff.headers.get("Cache-Control")).toBe("private, no-store");
      const ok = await run(() => page.loader(args(getRequest(path, staff.cookie), params)));
      expect(ok.status).toBe(200);
      expect(ok.headers.get("Cache-Control")).toBe("private, no-store");
    });
  }

  it("an unknown or malformed member id is 404", async () => {
    for (const id of ["999999", "0", "abc", "1e3"]) {
      const outcome = await run(() =>
        memberLoader(args(getRequest(`/staff/members/${id}`, staff.cookie), { id })),
      );
      expect(outcome.status).toBe(404);
    }
    const post = await run(() =>
      memberAction(
        args(
          staffPost("/staff/members/999999", { intent: "resync", nonce: nonce() }, staff.cookie),
          { id: "999999" },
        ),
      ),
    );
    expect(post.status).toBe(404);
  });
});

describe("/staff/members", () => {
  it("finds members by email and by name, filters by role and status, 50 a page by keyset", async () => {
    const found = await createUser(db, { email: "amal.find@example.test", name: "Amal Findme" });
    const byEmail = await run<{ members: { id: number }[] }>(() =>
      membersLoader(args(getRequest("/staff/members?q=AMAL.FIND@", staff.cookie))),
    );
    expect(byEmail.data?.members.map((m) => m.id)).toEqual([found.id]);
    const byName = await run<{ members: { id: number }[] }>(() =>
      membersLoader(args(getRequest("/staff/members?q=findme", staff.cookie))),
    );
    expect(byName.data?.members.map((m) => m.id)).toEqual([found.id]);
    const wildcard = await run<{ members: unknown[] }>(() =>
      membersLoader(args(getRequest("/staff/members?q=%25_%25", staff.cookie))),
    );
    expect(wildcard.data?.members).toEqual([]);

    for (let i = 0; i < 55; i++)
      await createUser(db, { role: "company", subscription_status: "CANCELLED", name: `Co ${i}` });
    const first = await run<{ members: { id: number; role: string }[]; nextPath: string }>(() =>
      membersLoader(args(getRequest("/staff/members?role=company&status=CANCELLED", staff.cookie))),
    );
    expect(first.data?.members).toHaveLength(50);
    expect(first.data?.nextPath).toMatch(/after=\d+/);
    const second = await run<{ members: { id: number }[]; nextPath: string | null }>(() =>
      membersLoader(args(getRequest(first.data!.nextPath, staff.cookie))),
    );
    expect(second.data?.members).toHaveLength(5);
    expect(second.data?.nextPath).toBeNull();
    const ids = [...first.data!.members, ...second.data!.members].map((m) => m.id);
    expect(new Set(ids).size).toBe(55);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Unknown filters and a too-long search are ignored or bounded, never a 500.
    const odd = await run(() =>
      membersLoader(
        args(
          getRequest(
            `/staff/members?role=admin&status=x&after=-1&q=${"a".repeat(5000)}`,
            staff.cookie,
          ),
        ),
      ),
    );
    expect(odd.status).toBe(200);
  });
});

async function memberPost(userId: number, fields: Record<string, string>, origin?: string) {
  return run<MemberActionData>(() =>
    memberAction(
      args(staffPost(`/staff/members/${userId}`, fields, staff.cookie, origin), {
        id: String(userId),
      }),
    ),
  );
}

describe("complimentary access", () => {
  it("starts now, shows to the member, ends by itself through the app clock, and is audited", async () => {
    const { user } = await plainMember(db);
    const until = new Date(Date.now() + 10 * DAY_MS).toISOString().slice(0, 10);
    const key = nonce();
    const outcome = await memberPost(user.id, {
      intent: "complimentary",
      nonce: key,
      until,
      reason: "Festival partner",
    });
    expect(outcome.status).toBe(200);
    const granted = await reloadUser(db, user.id);
    expect(granted.subscription_status).toBe("ACTIVE");
    // Until the end of that day.
    expect(granted.access_expires_at).toBe(
      new Date(Date.parse(`${until}T00:00:00.000Z`) + DAY_MS).toISOString(),
    );
    expect(accessFor({ ...granted, role: "professional" }, "talent-contact").allowed).toBe(true);

    // The same form again (a double click): nothing more, one audit entry.
    const again = await memberPost(user.id, {
      intent: "complimentary",
      nonce: key,
      until,
      reason: "Festival partner",
    });
    expect(again.status).toBe(200);
    const grants = await db
      .selectFrom("complimentary_access")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(grants).toHaveLength(1);
    const audit = (await auditRows(db)).filter((a) => a.request_key === `${key}:complimentary`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "complimentary-access",
      target_user_id: user.id,
      staff_user_id: staff.user.id,
      staff_email: staff.user.email,
      reason: "Festival partner",
      outcome: "done",
    });
    expect(JSON.parse(audit[0]!.before_json!)).toMatchObject({ subscription_status: "NONE" });
    expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ subscription_status: "ACTIVE" });

    // Eleven days later by the app clock: access has ended without anyone acting.
    setClockOffset(11 * DAY_MS);
    const later = new Date(Date.now() + 11 * DAY_MS);
    expect(accessFor({ ...granted, role: "professional" }, "talent-contact").allowed).toBe(false);
    expect(await expireLapsedAccess(db, later)).toBeGreaterThanOrEqual(1);
    expect((await reloadUser(db, user.id)).subscription_status).toBe("EXPIRED");
  });

  it("the member's dashboard says Complimentary access until the date", async () => {
    const { user, cookie } = await plainMember(db);
    const until = new Date(Date.now() + 30 * DAY_MS).toISOString().slice(0, 10);
    expect(
      (
        await memberPost(user.id, {
          intent: "complimentary",
          nonce: nonce(),
          until,
          reason: "Jury member",
        })
      ).status,
    ).toBe(200);
    expect((await reloadUser(db, user.id)).subscription_status).toBe("ACTIVE");
    const dashboard = await run<{ complimentaryUntil: string | null }>(() =>
      dashboardLoader(args(getRequest(`/dashboard/${user.role}`, cookie), { role: user.role })),
    );
    expect(dashboard.data?.complimentaryUntil).toBe(
      new Intl.DateTimeFormat("en-GB", {
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: "UTC",
      }).format(new Date(`${until}T12:00:00Z`)),
    );
  });

  it("refuses a date in the past or today, and a missing reason, changing nothing", async () => {
    const { user } = await plainMember(db);
    const before = (await auditRows(db)).length;
    for (const until of [
      new Date(Date.now() - DAY_MS).toISOString().slice(0, 10),
      new Date().toISOString().slice(0, 10),
      "2026-02-30",
      "tomorrow",
    ]) {
      const outcome = await memberPost(user.id, {
        intent: "complimentary",
        nonce: nonce(),
        until,
        reason: "Because",
      });
      expect(outcome.status).toBe(400);
      expect(english(outcome.data?.fieldErrors.until)).toBe("Choose a date after today.");
    }
    const noReason = await memberPost(user.id, {
      intent: "complimentary",
      nonce: nonce(),
      until: daysFromNow(5).slice(0, 10),
      reason: "",
    });
    expect(noReason.status).toBe(400);
    expect((await reloadUser(db, user.id)).subscription_status).toBe("NONE");
    expect((await auditRows(db)).length).toBe(before);
  });
});

describe("money actions ask for the password again after 15 minutes", () => {
  it("refuses without it, refuses a wrong one, accepts the right one and then stops asking", async () => {
    const { user } = await plainMember(db);
    const until = daysFromNow(20).slice(0, 10);
    setClockOffset(16 * 60 * 1000);
    const page = await run<{ passwordNeeded: boolean }>(() =>
      memberLoader(
        args(getRequest(`/staff/members/${user.id}`, staff.cookie), { id: String(user.id) }),
      ),
    );
    expect(page.data?.passwordNeeded).toBe(true);
    const fields = { intent: "complimentary", until, reason: "Partner" };
    const missing = await memberPost(user.id, { ...fields, nonce: nonce() });
    expect(missing.status).toBe(401);
    const wrong = await memberPost(user.id, { ...fields, nonce: nonce(), password: "nope nope" });
    expect(wrong.status).toBe(401);
    expect((await reloadUser(db, user.id)).subscription_status).toBe("NONE");
    // Re-sync is not a money action: no password.
    expect((await memberPost(user.id, { intent: "resync", nonce: nonce() })).status).toBe(200);
    const right = await memberPost(user.id, {
      ...fields,
      nonce: nonce(),
      password: STAFF_PASSWORD,
    });
    expect(right.status).toBe(200);
    expect((await reloadUser(db, user.id)).subscription_status).toBe("ACTIVE");
    const after = await run<{ passwordNeeded: boolean }>(() =>
      memberLoader(
        args(getRequest(`/staff/members/${user.id}`, staff.cookie), { id: String(user.id) }),
      ),
    );
    expect(after.data?.passwordNeeded).toBe(false);
  });
});

describe("every staff action", () => {
  const intents: Record<string, Record<string, string>> = {
    complimentary: { until: daysFromNow(3).slice(0, 10), reason: "Partner" },
    resync: {},
    resend: { email: "1" },
    cancel: { subscription: "sub_123", when: "now", reason: "Asked" },
    refund: { payment: "1", amount: "100", reason: "Asked" },
  };
  for (const [intent, fields] of Object.entries(intents)) {
    it(`${intent}: refuses a cross-site POST (403), a member (404) and a visitor (302), changing nothing`, async () => {
      const { user } = await plainMember(db);
      const before = (await auditRows(db)).length;
      const crossSite = await memberPost(
        user.id,
        { intent, nonce: nonce(), ...fields },
        "https://evil.example",
      );
      expect(crossSite.status).toBe(403);
      const asMember = await run(() =>
        memberAction(
          args(
            staffPost(
              `/staff/members/${user.id}`,
              { intent, nonce: nonce(), ...fields },
              member.cookie,
            ),
            {
              id: String(user.id),
            },
          ),
        ),
      );
      expect(asMember.status).toBe(404);
      const asVisitor = await run(() =>
        memberAction(
          args(staffPost(`/staff/members/${user.id}`, { intent, nonce: nonce(), ...fields }, ""), {
            id: String(user.id),
          }),
        ),
      );
      expect(asVisitor.status).toBe(302);
      expect((await auditRows(db)).length).toBe(before);
      expect((await reloadUser(db, user.id)).subscription_status).toBe("NONE");
    });
  }

  it("refuses a form larger than the limit (413) and a form without a nonce (400)", async () => {
    const { user } = await plainMember(db);
    const big = await memberPost(user.id, {
      intent: "resync",
      nonce: nonce(),
      pad: "x".repeat(20_000),
    });
    expect(big.status).toBe(413);
    const noNonce = await memberPost(user.id, { intent: "resync" });
    expect(noNonce.status).toBe(400);
    const unknown = await memberPost(user.id, { intent: "delete-everything", nonce: nonce() });
    expect(unknown.status).toBe(400);
  });

  it("the audit log cannot be updated or deleted, even by a direct query", async () => {
    await expect(
      db.updateTable("staff_audit_log").set({ reason: "rewritten" }).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("staff_audit_log").execute()).rejects.toThrow(/append-only/);
  });

  it("/staff/audit lists entries newest first", async () => {
    const outcome = await run<{ entries: { id: number; action: string; who: string }[] }>(() =>
      auditLoader(args(getRequest("/staff/audit", staff.cookie))),
    );
    const ids = outcome.data!.entries.map((e) => e.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(outcome.data!.entries[0]!.who).toBe(staff.user.email);
  });
});
