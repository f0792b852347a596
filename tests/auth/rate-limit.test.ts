import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import { createDatabase } from "../../db/connection";
import type { Database } from "../../db/schema";
import {
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  installClientAddressHeader,
} from "../../app/lib/client-address.server";
import {
  createRateLimiter,
  createSharedRateLimiter,
  pruneRateLimits,
} from "../../app/lib/rate-limit.server";
import { setupTestApp, testBackend, type TestApp } from "../support/app";

let app: TestApp;
const instances: Kysely<Database>[] = [];
beforeAll(async () => {
  app = await setupTestApp();
  // Postgres: three pools, as three instances have. SQLite: one process keeps one connection
  // (better-sqlite3 waits for a lock synchronously, so two connections of one process that both
  // hold write transactions across awaits would block each other); the hits still interleave.
  for (let i = 0; i < 3; i++)
    instances.push(
      testBackend === "postgres" ? createDatabase(app.dbPath, { poolSize: 4 }) : app.db,
    );
});
afterAll(async () => {
  await Promise.all(
    instances.filter((instance) => instance !== app.db).map((instance) => instance.destroy()),
  );
  await app.close();
});

describe("rate limiter shared through the database", () => {
  it("counts like the in-memory one: `limit` a window, sliding, retry after the oldest leaves", async () => {
    const limiter = createSharedRateLimiter(() => app.db, {
      name: "sliding",
      limit: 3,
      windowMs: 60_000,
    });
    const t0 = 1_000_000;
    expect((await limiter.hit("a", t0)).allowed).toBe(true);
    expect((await limiter.hit("a", t0 + 10_000)).allowed).toBe(true);
    expect(await limiter.hit("a", t0 + 20_000)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterSeconds: 0,
    });
    expect(await limiter.hit("a", t0 + 30_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    expect(await limiter.check("a", t0 + 30_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    expect((await limiter.hit("b", t0 + 30_000)).allowed).toBe(true);
    expect((await limiter.hit("a", t0 + 60_001)).allowed).toBe(true);
    expect((await limiter.hit("a", t0 + 60_002)).allowed).toBe(false);
    await limiter.clear("a");
    expect((await limiter.hit("a", t0 + 60_003)).allowed).toBe(true);
  });

  it(`attempts at once on three ${testBackend === "postgres" ? "instances" : "callers"} count against one limit: exactly the limit are allowed`, async () => {
    const limiters = instances.map((instance) =>
      createSharedRateLimiter(() => instance, { name: "burst", limit: 10, windowMs: 60_000 }),
    );
    const now = Date.now();
    const results = await Promise.all(
      Array.from({ length: 45 }, (_, i) => limiters[i % 3]!.hit("one-client", now)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds === 60)).toBe(true);
  });

  it("prunes windows nobody used for a whole window", async () => {
    await app.db.deleteFrom("rate_limits").execute();
    const limiter = createSharedRateLimiter(() => app.db, {
      name: "prune",
      limit: 5,
      windowMs: 60_000,
    });
    const t0 = Date.parse("2026-01-01T00:00:00.000Z");
    await limiter.hit("old", t0);
    await limiter.hit("fresh", t0 + 50_000);
    expect(await pruneRateLimits(app.db, new Date(t0 + 70_000))).toBe(1);
    expect(
      (
        await app.db
          .selectFrom("rate_limits")
          .select("key")
          .where("key", "like", "prune:%")
          .execute()
      ).map((r) => r.key),
    ).toEqual(["prune:fresh"]);
  });
});

describe("rate limiter", () => {
  it("allows `limit` attempts a window, then refuses with the seconds until the oldest leaves", () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, maxKeys: 100 });
    const t0 = 1_000_000;
    expect(limiter.hit("a", t0).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 10_000).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 20_000)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterSeconds: 0,
    });
    expect(limiter.hit("a", t0 + 30_000)).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 30,
    });
    expect(limiter.hit("b", t0 + 30_000).allowed).toBe(true);
    // Sliding: once the first attempt is a minute old, one more fits.
    expect(limiter.hit("a", t0 + 60_001).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 60_002).allowed).toBe(false);
  });

  it("keeps at most maxKeys keys, dropping the least recently seen", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.hit("a", 1);
    limiter.hit("b", 2);
    expect(limiter.hit("a", 3).allowed).toBe(false); // a is now the most recent
    limiter.hit("c", 4); // drops b
    expect(limiter.hit("a", 5).allowed).toBe(false);
    expect(limiter.hit("b", 6).allowed).toBe(true);
  });

  it("keys a client by its socket address, or by the last proxy hop only behind a trusted proxy", () => {
    const req = (headers: Record<string, string>) =>
      new Request("http://localhost/login", { headers });
    const stamped = { [CLIENT_ADDRESS_HEADER]: "198.51.100.4" };
    expect(clientAddress(req(stamped), false)).toBe("198.51.100.4");
    // A client's own X-Forwarded-For is ignored unless a trusted proxy sets it...
    expect(clientAddress(req({ ...stamped, "X-Forwarded-For": "203.0.113.9" }), false)).toBe(
      "198.51.100.4",
    );
    // ...and then only the hop the proxy appended counts, not what the client put first.
    expect(
      clientAddress(req({ ...stamped, "X-Forwarded-For": "1.2.3.4, 203.0.113.9" }), true),
    ).toBe("203.0.113.9");
    expect(clientAddress(req({}), false)).toBe("local");
  });

  it("stamps the socket address on every request at the HTTP layer, overwriting a forged value", async () => {
    installClientAddressHeader();
    const server = createServer((request, response) =>
      response.end(String(request.headers[CLIENT_ADDRESS_HEADER])),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [CLIENT_ADDRESS_HEADER]: "203.0.113.66" },
      });
      expect(await answer.text()).toMatch(/127\.0\.0\.1$/);
    } finally {
      server.close();
    }
  });
});
