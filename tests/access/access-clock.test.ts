import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../db/connection";
import { migrateDown, migrateToLatest } from "../../db/migrator";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { clockOffsetMs, now, setClockOffset, testClockEnabled } from "../../app/lib/clock.server";
import { parseEnv } from "../../app/lib/env.server";
import { action as clockAction } from "../../app/routes/test.clock";
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

// This file's process is a test-clock server (the configuration is read on first use, after
// this line); tests/access/test-clock-off.test.ts is one without.
process.env.APP_TEST_CLOCK = "1";

afterEach(() => {
  setClockOffset(0);
});

describe("the app's clock", () => {
  it("is the system time unless a test server moved it", () => {
    const before = Date.now();
    const t = now().getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    expect(clockOffsetMs()).toBe(0);
  });

  it("APP_TEST_CLOCK is parsed with the configuration and refused unless APP_URL is a localhost address", () => {
    expect(testClockEnabled()).toBe(true);
    expect(parseEnv({ APP_TEST_CLOCK: "1", APP_URL: "http://localhost:3600" }).testClock).toBe(
      true,
    );
    expect(parseEnv({ APP_TEST_CLOCK: "true" }).testClock).toBe(true);
    expect(parseEnv({ APP_TEST_CLOCK: "0" }).testClock).toBe(false);
    expect(parseEnv({}).testClock).toBe(false);
    expect(() => parseEnv({ APP_TEST_CLOCK: "yes" })).toThrow(/APP_TEST_CLOCK/);
    expect(() =>
      parseEnv({ APP_TEST_CLOCK: "1", APP_URL: "https://talents-acting.example" }),
    ).toThrow(/APP_TEST_CLOCK: refused when APP_URL is not a localhost address/);
    expect(() => parseEnv({ APP_URL: "https://talents-acting.example" })).not.toThrow(
      /APP_TEST_CLOCK/,
    );
  });
});

describe("/test/clock", () => {
  it("is a 404 from anywhere but the loopback interface", async () => {
    for (const address of [null, "local", "10.0.0.7", "203.0.113.9"]) {
      expect(
        (await run(() => clockAction(args(clockRequest("POST", address, "86400000"))))).status,
      ).toBe(404);
    }
    expect(clockOffsetMs()).toBe(0);
  });

  it("moves the app's clock for a loopback client of a test server", async () => {
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
