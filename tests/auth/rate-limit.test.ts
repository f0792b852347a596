import { describe, expect, it } from "vitest";
import { clientKey, createRateLimiter } from "../../app/lib/rate-limit.server";

describe("rate limiter", () => {
  it("allows `limit` attempts a window, then refuses with the seconds until the oldest leaves", () => {
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, maxKeys: 100 });
    const t0 = 1_000_000;
    expect(limiter.hit("a", t0).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 10_000).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 20_000)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(limiter.hit("a", t0 + 30_000)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
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

  it("keys a client by the first X-Forwarded-For entry, then X-Real-IP, else local", () => {
    const req = (headers: Record<string, string>) => new Request("http://localhost/login", { headers });
    expect(clientKey(req({ "X-Forwarded-For": " 203.0.113.9 , 10.0.0.1" }))).toBe("203.0.113.9");
    expect(clientKey(req({ "X-Real-IP": "203.0.113.7" }))).toBe("203.0.113.7");
    expect(clientKey(req({}))).toBe("local");
  });
});
