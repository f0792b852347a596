import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardFields, createPaymentSession, postForm, startHarness } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  // No host option: what `npm run stripe-sim` and `npm start` do.
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.cleanup());

/** A raw request with the Host header an attacker's page (DNS rebinding) would send. */
function send(
  method: string,
  path: string,
  host: string | null,
  body = "",
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: h.sim.port,
        method,
        path,
        setHost: false,
        headers: {
          ...(host === null ? {} : { Host: host }),
          Authorization: "Bearer sk_test_attacker",
          ...(body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("only loopback Host names are answered (DNS rebinding)", () => {
  it("refuses a foreign Host on the API, the pages and the controls, and writes nothing", async () => {
    const customersBefore = (await stripe.customers.list({ limit: 100 })).data.length;
    const knobsBefore = await (await fetch(`${h.sim.url}/_sim/knobs`)).json();
    const session = await createPaymentSession(stripe);
    const path = new URL(session.url ?? "").pathname;
    for (const host of [
      "evil.example",
      `evil.example:${h.sim.port}`,
      "127.0.0.1.evil.example",
      "localhost.",
      "localhost.evil.example",
      "127.0.0.1@evil.example",
      "[::ffff:127.0.0.1]",
      "",
    ]) {
      expect((await send("GET", "/v1/customers", host)).status).toBe(421);
      expect((await send("POST", "/v1/customers", host, "email=x%40evil.example")).status).toBe(
        421,
      );
      expect((await send("GET", "/_sim", host)).status).toBe(421);
      expect((await send("GET", "/_sim/knobs", host)).status).toBe(421);
      expect(
        (await send("POST", "/_sim/knobs", host, "", { "Content-Type": "application/json" }))
          .status,
      ).toBe(421);
      expect((await send("GET", path, host)).status).toBe(421);
      expect(
        (await send("POST", "/v1/billing_portal/sessions", host, "customer=cus_x")).status,
      ).toBe(421);
    }
    // Without any Host header Node's own parser refuses an HTTP/1.1 request (400) before routing.
    expect((await send("GET", "/v1/customers", null)).status).toBe(400);
    expect((await stripe.customers.list({ limit: 100 })).data.length).toBe(customersBefore);
    expect(await (await fetch(`${h.sim.url}/_sim/knobs`)).json()).toEqual(knobsBefore);
  });

  it("answers localhost, 127.0.0.1 and [::1], with or without a port", async () => {
    for (const host of [
      "localhost",
      `localhost:${h.sim.port}`,
      `LOCALHOST:${h.sim.port}`,
      "127.0.0.1",
      `127.0.0.1:${h.sim.port}`,
      "[::1]",
      `[::1]:${h.sim.port}`,
    ]) {
      expect((await send("GET", "/v1/customers", host)).status).toBe(200);
      expect((await send("GET", "/_sim", host)).status).toBe(200);
    }
  });

  it("listens on loopback only by default", async () => {
    expect(h.sim.url).toBe(`http://127.0.0.1:${h.sim.port}`);
    const outside = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === "IPv4")
      .map((a) => a?.address ?? "");
    for (const address of outside) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: h.sim.port });
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
      expect(outcome).toBe("ECONNREFUSED");
    }
  });
});

describe("the hosted page's email check is linear and bounded", () => {
  it("answers a 60 kB crafted email with a field error, and charges nothing", async () => {
    const session = await createPaymentSession(stripe);
    for (const email of [
      `a@${".".repeat(60_000)}@`,
      `a@${"a.".repeat(30_000)} `,
      `${"a".repeat(60_000)}@example.com`,
      `a@b.c${"x".repeat(60_000)}`,
    ]) {
      const page = await postForm(session.url ?? "", cardFields("4242424242424242", { email }));
      expect(page.status).toBe(400);
      expect(page.html).toContain("Your email address is invalid.");
    }
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect((await stripe.paymentIntents.list({ limit: 100 })).data).toHaveLength(0);
    const name = await postForm(
      session.url ?? "",
      cardFields("4242424242424242", { billingName: "n".repeat(60_000) }),
    );
    expect(name.status).toBe(400);
    expect(name.html).toContain("This field is too long.");
  });
});
