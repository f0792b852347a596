import { createRequire } from "node:module";
import type * as Router from "@remix-run/router";
import { describe, expect, it } from "vitest";

// The server's copy of @remix-run/router (the CommonJS build Node loads for Remix), patched by
// patches/@remix-run+router+*.patch so a route tree is flattened and ranked once (decision 25).
const { matchRoutes } = createRequire(import.meta.url)("@remix-run/router") as typeof Router;

interface TestRoute {
  id: string;
  path?: string;
  index?: boolean;
  children?: TestRoute[];
}

/** A route tree shaped like the app's, whose `path` reads are counted. */
function countedRoutes(): { routes: TestRoute[]; reads: () => number } {
  let reads = 0;
  const route = (id: string, path?: string, extra: Partial<TestRoute> = {}): TestRoute => {
    const r: TestRoute = { id, ...extra };
    Object.defineProperty(r, "path", {
      enumerable: true,
      get: () => {
        reads++;
        return path;
      },
    });
    return r;
  };
  const routes = [
    route("root", "", {
      children: [
        route("routes/_index", undefined, { index: true }),
        route("routes/login", "login"),
        route("routes/dashboard.$role", "dashboard/:role"),
        route("routes/dashboard.$role_.billing", "dashboard/:role/billing"),
        route("routes/staff", "staff", {
          children: [
            route("routes/staff._index", undefined, { index: true }),
            route("routes/staff.members.$id", "members/:id"),
          ],
        }),
        route("routes/talents.$id", "talents/:id"),
      ],
    }),
  ];
  return { routes, reads: () => reads };
}

function leafId(routes: TestRoute[], path: string): string | undefined {
  return matchRoutes(routes as never, path)?.at(-1)?.route.id;
}

describe("route matching (the patched @remix-run/router)", () => {
  it("matches index, static, dynamic and nested routes the same on every call", () => {
    const { routes } = countedRoutes();
    for (let round = 0; round < 3; round++) {
      expect(leafId(routes, "/")).toBe("routes/_index");
      expect(leafId(routes, "/login")).toBe("routes/login");
      expect(leafId(routes, "/dashboard/talent")).toBe("routes/dashboard.$role");
      expect(leafId(routes, "/dashboard/talent/billing")).toBe("routes/dashboard.$role_.billing");
      expect(leafId(routes, "/staff")).toBe("routes/staff._index");
      expect(leafId(routes, "/staff/members/42")).toBe("routes/staff.members.$id");
      expect(matchRoutes(routes as never, "/talents/7")?.at(-1)?.params).toEqual({ id: "7" });
      expect(leafId(routes, "/nowhere")).toBeUndefined();
    }
  });

  it("flattens a route tree once: later matches on the same routes read no route path", () => {
    const { routes, reads } = countedRoutes();
    leafId(routes, "/login");
    const afterFirst = reads();
    expect(afterFirst).toBeGreaterThan(0);
    leafId(routes, "/staff/members/42");
    leafId(routes, "/login");
    expect(reads()).toBe(afterFirst);
  });

  it("keeps two route trees apart", () => {
    const first = countedRoutes();
    const second = [{ id: "other", path: "login" }];
    expect(leafId(first.routes, "/login")).toBe("routes/login");
    expect(leafId(second, "/login")).toBe("other");
    expect(leafId(second, "/staff")).toBeUndefined();
    expect(leafId(first.routes, "/staff")).toBe("routes/staff._index");
  });
});
