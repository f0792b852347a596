import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateDown, migrateToLatest } from "../../db/migrator";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { clockOffsetMs, now, setClockOffset, testClockEnabled } from "../../app/lib/clock.server";
import { action as clockAction, loader as clockLoader } from "../../app/routes/test.clock";
import { columnNames, createTestDatabase, indexNames, makeTempDir } from "../support/app";
import { args, run } from "../support/requests";

function clockRequest(method: "GET" | "POST", address: string | null, offsetMs?: string): Request {
  const headers = new Headers();
  if (address !== null) headers.set(CLIENT_ADDRESS_HEADER, address);
  if (offsetMs !== undefined) headers.set("Content-Type", "application/x-www-form-urlencoded");
  return new Request("http://localhost:3000/test/clock", {
    method,
    headers,
    body: offsetMs === undefined ? undefined : new URLSearchParams({ offsetMs }),
  });
}

afterEach(() => {
  // Back to the system time, through the clock's own API (only a test-clock process may move it).
  process.env.APP_TEST_CLOCK = "1";
  setClockOffset(0);
  delete process.env.APP_TEST_CLOCK;
});

describe("the app's clock", () => {
  it("is the system time unless a test server moved it", () => {
    const before = Date.now();
    const t = now().getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    expect(clockOffsetMs()).toBe(0);
  });

  it("APP_TEST_CLOCK is refused unless APP_URL is a localhost address", () => {
    expect(testClockEnabled({ APP_TEST_CLOCK: "1", APP_URL: "http://localhost:3600" })).toBe(true);
    expect(testClockEnabled({ APP_TEST_CLOCK: "1" })).toBe(true);
    expect(testClockEnabled({ APP_URL: "https://talents-acting.example" })).toBe(false);
    expect(
      testClockEnabled({ APP_TEST_CLOCK: "0", APP_URL: "https://talents-acting.example" }),
    ).toBe(false);
    expect(() =>
      testClockEnabled({ APP_TEST_CLOCK: "1", APP_URL: "https://talents-acting.example" }),
    ).toThrow(/APP_TEST_CLOCK is refused/);
  });
});

describe("/test/clock", () => {
  it("is a 404 on a server without APP_TEST_CLOCK, and the clock does not move", async () => {
    expect((await run(() => clockLoader(args(clockRequest("GET", "127.0.0.1"))))).status).toBe(404);
    expect(
      (await run(() => clockAction(args(clockRequest("POST", "127.0.0.1", "86400000"))))).status,
    ).toBe(404);
    expect(clockOffsetMs()).toBe(0);
  });

  it("is a 404 from anywhere but the loopback interface", async () => {
    process.env.APP_TEST_CLOCK = "1";
    for (const address of [null, "local", "10.0.0.7", "203.0.113.9"]) {
      expect(
        (await run(() => clockAction(args(clockRequest("POST", address, "86400000"))))).status,
      ).toBe(404);
    }
    expect(clockOffsetMs()).toBe(0);
  });

  it("moves the app's clock for a loopback client of a test server", async () => {
    process.env.APP_TEST_CLOCK = "1";
    const year = 366 * 24 * 60 * 60 * 1000;
    const moved = await run(() => clockAction(args(clockRequest("POST", "::1", String(year)))));
    expect(moved.status).toBe(200);
    expect(clockOffsetMs()).toBe(year);
    expect(now().getTime() - Date.now()).toBeGreaterThan(year - 60_000);
    const body = (await moved.response?.json()) as { offsetMs: number };
    expect(body.offsetMs).toBe(year);

    for (const bad of ["abc", "1.5", "", String(20 * year)]) {
      expect(
        (await run(() => clockAction(args(clockRequest("POST", "127.0.0.1", bad))))).status,
      ).toBe(400);
    }
    expect(clockOffsetMs()).toBe(year);
  });
});

describe("the headline migration", () => {
  it("adds users.headline and its down removes it", async () => {
    const dir = makeTempDir("headline-migration-");
    const testDatabase = await createTestDatabase(dir);
    const database = createDatabase(testDatabase.url);
    const columns = () => columnNames(database, "users");
    try {
      const indexes = () => indexNames(database, "users");
      await migrateToLatest(database);
      expect(await columns()).toContain("headline");
      expect(await indexes()).toContain("users_access_expires_at_idx");
      // Step down through any later migrations until this one is undone; the first one stays.
      for (let i = 0; i < 20 && (await columns()).includes("headline"); i++)
        await migrateDown(database);
      expect(await columns()).not.toContain("headline");
      expect(await columns()).toContain("email");
      expect(await indexes()).not.toContain("users_access_expires_at_idx");
    } finally {
      await database.destroy();
      await testDatabase.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
