import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { loader as contactLoader } from "../../app/routes/talents.$id_.contact";
import { loader as profileLoader } from "../../app/routes/talents.$id";
import { loader as directoryLoader } from "../../app/routes/talents._index";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, sessionCookieFor } from "../support/factories";
import { args, getRequest, run } from "../support/requests";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

type Paywall = { message: string; paymentPath: string | null };
type ProfileData = {
  talent: {
    id: number;
    name: string;
    email: string | null;
    headline: string | null;
    listed: boolean;
  } | null;
  paywall: Paywall | null;
};
type DirectoryData = {
  talents: Array<{ id: number; name: string; headline: string | null }>;
  total: number;
  page: number;
  pageCount: number;
  next: string | null;
  searchError: string | null;
  paywall: Paywall | null;
};

const tag = () => randomBytes(4).toString("hex");

async function member(
  role: Role,
  access: "active" | "none" | "ended" | "expired" = "active",
  name?: string,
) {
  const state =
    access === "active"
      ? { subscription_status: "ACTIVE" as const, access_expires_at: daysFromNow(200) }
      : access === "ended"
        ? { subscription_status: "ACTIVE" as const, access_expires_at: daysFromNow(-1) }
        : access === "expired"
          ? { subscription_status: "EXPIRED" as const, access_expires_at: daysFromNow(-40) }
          : { subscription_status: "NONE" as const, access_expires_at: null };
  const user = await createUser(app.db, { role, name: name ?? `${role} ${tag()}`, ...state });
  return { user, cookie: await sessionCookieFor(app.db, user) };
}

const profile = (id: number | string, cookie?: string) =>
  run<ProfileData>(() =>
    profileLoader(args(getRequest(`/talents/${id}`, cookie), { id: String(id) })),
  );
const contact = (id: number | string, cookie?: string) =>
  run(() => contactLoader(args(getRequest(`/talents/${id}/contact`, cookie), { id: String(id) })));
const directory = (query: string, cookie?: string) =>
  run<DirectoryData>(() => directoryLoader(args(getRequest(`/talents${query}`, cookie))));

describe("premium routes: 302 signed out, 403 with the paywall without access, 200 with access", () => {
  const premiumRoutes = [
    { name: "/talents/:id (contact email)", call: profile },
    { name: "/talents/:id/contact (contact card)", call: contact },
  ];

  for (const route of premiumRoutes) {
    it(`${route.name} sends a visitor to log in, coming back afterwards`, async () => {
      const { user: talent } = await member("talent");
      const outcome = await route.call(talent.id);
      expect(outcome.status).toBe(302);
      expect(outcome.headers.get("Location")).toBe(
        `/login?redirectTo=${encodeURIComponent(`/talents/${talent.id}${route.call === contact ? "/contact" : ""}`)}`,
      );
    });

    for (const [role, access] of [
      ["professional", "none"],
      ["company", "none"],
      ["professional", "ended"],
      ["company", "expired"],
    ] as const) {
      it(`${route.name} answers a ${role} whose access is ${access} with a 403 paywall linking their payment page`, async () => {
        const { user: talent } = await member("talent");
        const { cookie } = await member(role, access);
        const outcome = await route.call(talent.id, cookie);
        expect(outcome.status).toBe(403);
        expect(outcome.headers.get("Cache-Control")).toBe("private, no-store");
        // The page's paywall data, or the resource route's standalone HTML page.
        const body = outcome.data
          ? JSON.stringify(outcome.data)
          : ((await outcome.response?.text()) ?? "").replaceAll("&#39;", "'");
        expect(body).toContain(`/dashboard/${role}/payment`);
        // The price and the trial, so the member knows what unlocks it: the page's data holds
        // the message's key and the amounts, which the page writes in the reader's language.
        if (outcome.data) {
          expect(body).toContain("talents:paywall.needsAccess.talentContact");
          expect(body).toContain(role === "company" ? '"amount":350000' : '"amount":150000');
          expect(body).toMatch(/"trialDays":[1-9]/);
        } else {
          expect(body).toContain("Become a member to see talents' contact details.");
          expect(body.replaceAll("\u00a0", " ")).toContain(
            role === "company" ? "MAD 3,500.00" : "MAD 1,500.00",
          );
          expect(body).toMatch(/first \d+ days free/);
        }
        expect(body).not.toContain(talent.email);
      });
    }

    for (const role of ["professional", "company"] as const) {
      it(`${route.name} gives a ${role} with access the talent's email, uncached`, async () => {
        const { user: talent } = await member("talent");
        const { cookie } = await member(role, "active");
        const outcome = await route.call(talent.id, cookie);
        expect(outcome.status).toBe(200);
        expect(outcome.headers.get("Cache-Control")).toBe("private, no-store");
        const body = outcome.data
          ? (outcome.data as ProfileData).talent?.email
          : await outcome.response?.text();
        expect(body).toContain(talent.email);
      });
    }
  }

  it("the contact card is a vCard with the talent's name, email and headline", async () => {
    const talent = await createUser(app.db, {
      role: "talent",
      name: "Nadia; Ben, Ali",
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(90),
    });
    await app.db
      .updateTable("users")
      .set({ headline: "Stage actor" })
      .where("id", "=", talent.id)
      .execute();
    const { cookie } = await member("company");
    const outcome = await contact(talent.id, cookie);
    expect(outcome.headers.get("Content-Type")).toMatch(/^text\/vcard/);
    const card = await outcome.response?.text();
    expect(card).toContain("FN:Nadia\\; Ben\\, Ali");
    expect(card).toContain(`EMAIL;TYPE=INTERNET:${talent.email}`);
    expect(card).toContain("NOTE:Stage actor");
  });

  it("access that ends mid-session ends at the next request", async () => {
    const { user: talent } = await member("talent");
    const { user: pro, cookie } = await member("professional");
    expect((await profile(talent.id, cookie)).status).toBe(200);
    await app.db
      .updateTable("users")
      .set({ access_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", pro.id)
      .execute();
    const after = await profile(talent.id, cookie);
    expect(after.status).toBe(403);
    expect(after.data?.talent?.email).toBeNull();
    expect((await contact(talent.id, cookie)).status).toBe(403);
  });
});

describe("talents and contact details", () => {
  it("a talent sees other talents' profiles without their email, and a paywall without a payment link", async () => {
    const { user: other } = await member("talent");
    const { cookie } = await member("talent", "active");
    const outcome = await profile(other.id, cookie);
    expect(outcome.status).toBe(403);
    expect(outcome.data?.talent?.name).toBe(other.name);
    expect(outcome.data?.talent?.email).toBeNull();
    expect(outcome.data?.paywall).toEqual({
      feature: "talent-contact",
      message: "talents:paywall.forRoles.talentContact",
      paymentPath: null,
      offer: null,
    });
    expect((await contact(other.id, cookie)).status).toBe(403);
  });

  it("a talent sees their own profile with their email, even while not listed", async () => {
    const { user, cookie } = await member("talent", "none");
    const outcome = await profile(user.id, cookie);
    expect(outcome.status).toBe(200);
    expect(outcome.data?.talent).toMatchObject({ id: user.id, email: user.email, listed: false });
  });
});

describe("bad input on profiles", () => {
  it("non-numeric, unknown, non-talent and unlisted ids are 404s", async () => {
    const { cookie } = await member("professional");
    const { user: pro } = await member("professional");
    const { user: lapsed } = await member("talent", "ended");
    const { user: never } = await member("talent", "none");
    for (const id of [
      "abc",
      "1e3",
      "-1",
      "0",
      "01",
      "99999999",
      "9".repeat(40),
      String(pro.id),
      String(lapsed.id),
      String(never.id),
    ]) {
      const page = await profile(id, cookie);
      expect(page.status, `/talents/${id}`).toBe(404);
      expect(page.data?.talent).toBeNull();
      expect((await contact(id, cookie)).status, `/talents/${id}/contact`).toBe(404);
    }
  });
});

describe("/talents", () => {
  it("sends a visitor to log in and shows every signed-in role the directory", async () => {
    const visitor = await directory("");
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("Location")).toBe("/login?redirectTo=%2Ftalents");
    for (const role of ["talent", "professional", "company"] as const) {
      const { cookie } = await member(role, "none");
      const outcome = await directory("", cookie);
      expect(outcome.status).toBe(200);
      expect(outcome.headers.get("Cache-Control")).toBe("private, no-store");
    }
  });

  it("lists only talents whose membership is active now, newest first", async () => {
    const prefix = `Listed${tag()}`;
    const older = await member("talent", "active", `${prefix} Older`);
    await member("talent", "ended", `${prefix} Ended`);
    await member("talent", "expired", `${prefix} Expired`);
    await member("talent", "none", `${prefix} None`);
    await member("professional", "active", `${prefix} Pro`);
    const newer = await member("talent", "active", `${prefix} Newer`);
    const { cookie } = await member("professional", "none");
    const outcome = await directory(`?q=${prefix}`, cookie);
    expect(outcome.data?.talents.map((t) => t.id)).toEqual([newer.user.id, older.user.id]);
    expect(outcome.data?.total).toBe(2);
  });

  it("member since is the first paid year's start, so a renewed member keeps their place", async () => {
    const prefix = `Since${tag()}`;
    const veteran = await member("talent", "active", `${prefix} Veteran`);
    const recent = await member("talent", "active", `${prefix} Recent`);
    // The veteran registered last but has paid since two years ago.
    await app.db
      .insertInto("payments")
      .values({
        user_id: veteran.user.id,
        plan: "talent_annual_membership",
        amount: 30000,
        currency: "mad",
        status: "paid",
        idempotency_key: tag(),
        access_starts_at: daysFromNow(-730),
        access_ends_at: daysFromNow(-365),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const { cookie } = await member("company");
    const outcome = await directory(`?q=${prefix}`, cookie);
    expect(outcome.data?.talents.map((t) => t.id)).toEqual([recent.user.id, veteran.user.id]);
  });

  it("pages by 20; pages out of range are empty, never an error", async () => {
    const prefix = `Paged${tag()}`;
    for (let i = 0; i < 45; i++) await member("talent", "active", `${prefix} ${i}`);
    const { cookie } = await member("professional");
    const first = await directory(`?q=${prefix}`, cookie);
    expect(first.data).toMatchObject({ total: 45, page: 1, pageCount: 3 });
    expect(first.data?.talents).toHaveLength(20);
    expect(first.data?.next).toBe(`/talents?q=${prefix}&page=2`);
    const third = await directory(`?q=${prefix}&page=3`, cookie);
    expect(third.data?.talents).toHaveLength(5);
    expect(third.data?.next).toBeNull();
    const seen = new Set(
      [...(first.data?.talents ?? []), ...(third.data?.talents ?? [])].map((t) => t.id),
    );
    const second = await directory(`?q=${prefix}&page=2`, cookie);
    for (const t of second.data?.talents ?? []) seen.add(t.id);
    expect(seen.size).toBe(45);

    for (const page of ["4", "0", "-2", "999999999", "99999999999999999999999"]) {
      const outcome = await directory(`?q=${prefix}&page=${page}`, cookie);
      expect(outcome.status, `page=${page}`).toBe(200);
      expect(outcome.data?.talents, `page=${page}`).toEqual([]);
      expect(outcome.data?.total).toBe(45);
    }
    for (const page of ["abc", "1.5", ""]) {
      const outcome = await directory(`?q=${prefix}&page=${page}`, cookie);
      expect(outcome.data?.page, `page=${page}`).toBe(1);
      expect(outcome.data?.talents).toHaveLength(20);
    }
  });

  it("matches the search as plain text, case-insensitively: % and _ are not wildcards", async () => {
    const prefix = `Wild${tag()}`;
    const percent = await member("talent", "active", `${prefix} 100% Real`);
    const underscore = await member("talent", "active", `${prefix} snake_case`);
    await member("talent", "active", `${prefix} snakeXcase`);
    await member("talent", "active", `${prefix} back\\slash`);
    const { cookie } = await member("company");
    const ids = async (q: string) =>
      (await directory(`?q=${encodeURIComponent(q)}`, cookie)).data?.talents.map((t) => t.id);
    expect(await ids(`${prefix} 100%`)).toEqual([percent.user.id]);
    expect(await ids("snake_case")).toEqual([underscore.user.id]);
    expect(await ids(`${prefix.toUpperCase()} SNAKE_`)).toEqual([underscore.user.id]);
    expect(await ids("%")).toEqual([percent.user.id]);
    expect(await ids(`${prefix} back\\`)).toHaveLength(1);
    expect(await ids(`'; drop table users; --`)).toEqual([]);
  });

  it("refuses a search longer than 100 characters with a 400 and lists nothing", async () => {
    const { cookie } = await member("professional");
    const ok = await directory(`?q=${"a".repeat(100)}`, cookie);
    expect(ok.status).toBe(200);
    const long = await directory(`?q=${"a".repeat(101)}`, cookie);
    expect(long.status).toBe(400);
    expect(long.data?.searchError).toBe("talents:directory.searchTooLong");
    expect(long.data?.talents).toEqual([]);
    expect(long.headers.get("Cache-Control")).toBe("private, no-store");
  });
});
