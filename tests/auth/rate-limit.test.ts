import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CLIENT_ADDRESS_HEADER, clientAddress, installClientAddressHeader } from "../../app/lib/client-address.server";
import { createRateLimiter } from "../../app/lib/rate-limit.server";

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

  it("keys a client by its socket address, or by the last proxy hop only behind a trusted proxy", () => {
    const req = (headers: Record<string, string>) => new Request("http://localhost/login", { headers });
    const stamped = { [CLIENT_ADDRESS_HEADER]: "198.51.100.4" };
    expect(clientAddress(req(stamped), false)).toBe("198.51.100.4");
    // A client's own X-Forwarded-For is ignored unless a trusted proxy sets it...
    expect(clientAddress(req({ ...stamped, "X-Forwarded-For": "203.0.113.9" }), false)).toBe("198.51.100.4");
    // ...and then only the hop the proxy appended counts, not what the client put first.
    expect(clientAddress(req({ ...stamped, "X-Forwarded-For": "1.2.3.4, 203.0.113.9" }), true)).toBe("203.0.113.9");
    expect(clientAddress(req({}), false)).toBe("local");
  });

  it("stamps the socket address on every request at the HTTP layer, overwriting a forged value", async () => {
    installClientAddressHeader();
    const server = createServer((request, response) => response.end(String(request.headers[CLIENT_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/`, { headers: { [CLIENT_ADDRESS_HEADER]: "203.0.113.66" } });
      expect(await answer.text()).toMatch(/127\.0\.0\.1$/);
    } finally {
      server.close();
    }
  });
});
