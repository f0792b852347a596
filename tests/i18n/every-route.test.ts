import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { NAMESPACES } from "../../app/i18n/config";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, sessionCookieFor } from "../support/factories";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";

// Every page a member (or a visitor, or the staff) can open, fetched from the production build
// with ?lng=fr and ?lng=en: `<html lang>` is the language asked for, no catalog key shows raw
// in the page (text or attributes), and the server logged no missing key (i18next's
// missingKeyHandler, app/i18n/i18next.server.ts). A page that names a key its route's
// namespaces lack, or a key no catalog has, fails here.

let app: TestApp;
let server: ServerProcess;
const cookies: Partial<Record<Exclude<Viewer, "visitor">, string>> = {};
let talentId = 0;

const RAW_KEY = new RegExp(
  `\\b(?:${NAMESPACES.join("|")}):[A-Za-z][A-Za-z0-9_]*(?:\\.[A-Za-z0-9_]+)*`,
);

/** a role with a paid year; "newcomer" a professional who has paid nothing (the paywalls) */
type Viewer = "visitor" | Role | "newcomer" | "staff";

/** [viewer, path, expected status] for every GET page. */
function pages(): [Viewer, string, number][] {
  const member = (role: Role): [Viewer, string, number][] => [
    [role, "/", 200],
    [role, `/dashboard/${role}`, 200],
    [role, `/dashboard/${role}/billing`, 200],
    [role, `/dashboard/${role}/payment`, 200],
    [role, "/talents", 200],
    [role, `/talents/${talentId}`, 200],
    [role, "/payment/cancel", 200],
    [role, "/payment/success", 400],
    [role, "/billing/success", 400],
    [role, "/no-such-page", 404],
  ];
  return [
    ["visitor", "/", 200],
    ["visitor", "/login", 200],
    ["visitor", "/register", 200],
    ["visitor", "/talents", 302],
    ["visitor", "/no-such-page", 404],
    ["newcomer", `/dashboard/professional`, 200],
    ["newcomer", `/dashboard/professional/payment`, 200],
    ["newcomer", "/talents", 200],
    ["newcomer", `/talents/${talentId}`, 403],
    ...member("talent"),
    ...member("professional"),
    ...member("company"),
    ["staff", "/staff", 200],
    ["staff", "/staff/members", 200],
    ["staff", `/staff/members/${talentId}`, 200],
    ["staff", "/staff/payments", 200],
    ["staff", "/staff/events", 200],
    ["staff", "/staff/emails", 200],
    ["staff", "/staff/audit", 200],
  ];
}

/** The page as a reader sees it: scripts (the serialized loader data) left out. */
function visible(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, "");
}

beforeAll(async () => {
  await buildApp();
  app = await setupTestApp();
  const year = { subscription_status: "ACTIVE" as const, access_expires_at: daysFromNow(200) };
  const talent = await createUser(app.db, { role: "talent", name: "Salma Talent", ...year });
  talentId = talent.id;
  cookies.talent = await sessionCookieFor(app.db, talent);
  for (const role of ["professional", "company"] as const)
    cookies[role] = await sessionCookieFor(
      app.db,
      await createUser(app.db, { role, name: `Atlas ${role}`, ...year }),
    );
  cookies.newcomer = await sessionCookieFor(
    app.db,
    await createUser(app.db, { role: "professional", name: "New Comer" }),
  );
  const staff = await createUser(app.db, { role: "professional", name: "Staff Member" });
  await app.db.updateTable("users").set({ is_staff: 1 }).where("id", "=", staff.id).execute();
  cookies.staff = await sessionCookieFor(app.db, staff);
  server = await startServerProcess({ LOG_LEVEL: "info" });
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await app?.close();
}, 60_000);

describe("every page in French and in English", () => {
  for (const language of ["fr", "en"] as const) {
    it(`renders every route with ?lng=${language}: <html lang>, no raw key, no missing key logged`, async () => {
      const problems: string[] = [];
      for (const [viewer, path, status] of pages()) {
        const url = `${server.url}${path}${path.includes("?") ? "&" : "?"}lng=${language}`;
        const cookie = viewer === "visitor" ? undefined : cookies[viewer];
        const response = await fetch(url, {
          headers: cookie ? { Cookie: cookie } : {},
          redirect: "manual",
        });
        const html = await response.text();
        const where = `${viewer} ${path}`;
        if (response.status !== status) problems.push(`${where}: status ${response.status}`);
        if (status === 302) continue;
        const lang = /<html[^>]*\slang="([^"]+)"/.exec(html)?.[1];
        if (lang !== language) problems.push(`${where}: <html lang="${lang}">`);
        const raw = RAW_KEY.exec(visible(html));
        if (raw) problems.push(`${where}: raw key ${raw[0]}`);
      }
      const missing = server
        .output()
        .split("\n")
        .filter((line) => line.includes("i18n missing key"));
      expect(problems).toEqual([]);
      expect(missing).toEqual([]);
    }, 120_000);
  }

  it("would see a raw key: the scan finds one in a page", () => {
    expect(RAW_KEY.exec(visible('<p title="x">dashboard:listing.heading</p>'))?.[0]).toBe(
      "dashboard:listing.heading",
    );
    expect(RAW_KEY.exec(visible("<script>var k='dashboard:listing.heading'</script>"))).toBeNull();
  });
});
