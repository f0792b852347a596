import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TEST_WEBHOOK_SECRETS, setupTestApp, type TestApp } from "../support/app";
import { createPendingPayment } from "../support/factories";
import { sessionForPayment, stripeEvent } from "../support/stripe-events";
import { buildApp, startServerProcess, type ServerProcess } from "../support/server-process";
import { deliver } from "../support/webhook-sender";

// The lines a production server prints during a whole flow (register, a wrong password, a
// paid checkout's webhook, a forged one, the confirmation email sent): the app's own lines are
// JSON with a level, a time, a message and the request id where there is a request; nothing
// printed carries the password, a secret, the session cookie, a card number or a full email.

const EMAIL = "log.scan.member@example.test";
const PASSWORD = "Correct-horse-battery-9";
const CARD = "4242424242424242";

let app: TestApp;
let server: ServerProcess;

describe("what the server logs during a flow", () => {
  beforeAll(async () => {
    await buildApp();
    app = await setupTestApp();
    server = await startServerProcess({ LOG_LEVEL: "info" });
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    await app?.close();
  }, 60_000);

  it("JSON lines with request ids, and no secret, password, session, card number or full email", async () => {
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Request-Id": "flow-req-0001",
      },
      body: new URLSearchParams(fields),
      redirect: "manual" as const,
    });
    const registered = await fetch(
      `${server.url}/register`,
      form({ name: "Log Scan", email: EMAIL, password: PASSWORD, role: "talent" }),
    );
    expect([200, 302, 303]).toContain(registered.status);
    expect(registered.headers.get("x-request-id")).toBe("flow-req-0001");
    const cookie = registered.headers.get("set-cookie") ?? "";
    const wrong = await fetch(
      `${server.url}/login`,
      form({ email: EMAIL, password: `${PASSWORD}-wrong ${CARD}` }),
    );
    expect(wrong.status).toBeGreaterThanOrEqual(400);

    const user = await app.db
      .selectFrom("users")
      .selectAll()
      .where("email", "=", EMAIL)
      .executeTakeFirstOrThrow();
    const payment = await createPendingPayment(app.db, user);
    const event = stripeEvent("checkout.session.completed", sessionForPayment(payment, {}));
    expect((await deliver(server.url, event)).status).toBe(200);
    const forged = await fetch(`${server.url}/api/webhooks/stripe`, {
      method: "POST",
      headers: { "Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json" },
      body: JSON.stringify(event),
    });
    expect(forged.status).toBe(400);
    await vi.waitFor(
      async () => {
        const sent = await app.db
          .selectFrom("email_outbox")
          .select("status")
          .where("to_email", "=", EMAIL)
          .execute();
        expect(sent.length).toBeGreaterThan(0);
        expect(sent.every((row) => row.status === "sent")).toBe(true);
      },
      { timeout: 20_000, interval: 200 },
    );

    const output = server.output();
    const jsonLines = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of jsonLines) {
      expect(typeof line.level).toBe("string");
      expect(typeof line.time).toBe("string");
      expect(typeof line.msg).toBe("string");
    }
    const webhookLines = jsonLines.filter((line) => line.msg === "Stripe webhook");
    expect(webhookLines).toContainEqual(
      expect.objectContaining({ eventId: event.id, outcome: "processed", type: event.type }),
    );
    expect(webhookLines).toContainEqual(expect.objectContaining({ outcome: "bad_signature" }));
    for (const line of webhookLines) expect(line.requestId).toMatch(/^[\w.:-]{8,128}$/);
    expect(jsonLines).toContainEqual(
      expect.objectContaining({ msg: "Payment paid", from: "pending", to: "paid" }),
    );

    const sessionValue = /=([^;]+)/.exec(cookie)?.[1];
    for (const secret of [
      PASSWORD,
      CARD,
      EMAIL,
      ...TEST_WEBHOOK_SECRETS,
      ...(sessionValue ? [sessionValue, decodeURIComponent(sessionValue)] : []),
    ]) {
      expect(output, secret).not.toContain(secret);
    }
  }, 120_000);
});
