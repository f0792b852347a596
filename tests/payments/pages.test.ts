import { createElement } from "react";
import { formatDate } from "../../app/i18n/format";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter } from "react-router-dom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PaymentOutcome } from "../../app/components/payment-outcome";
import type { CheckoutReturn } from "../../app/payments/success.server";
import type { Role } from "../../db/schema";
import {
  action as payAction,
  loader as payLoader,
} from "../../app/routes/dashboard.$role_.payment";
import { loader as cancelLoader } from "../../app/routes/payment.cancel";
import { loader as successLoader } from "../../app/routes/payment.success";
import { setupTestApp, type TestApp } from "../support/app";
import {
  createPendingPayment,
  createUser,
  daysFromNow,
  reloadUser,
  sessionCookieFor,
} from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import { english } from "../support/messages";

// Pages without a reachable Stripe: STRIPE_API_BASE points at a closed port.
let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp({ stripeApiBase: "http://127.0.0.1:9" });
});
afterAll(async () => {
  await app.close();
});

type PayData = {
  options: { choice: string; today: string; submitLabel: string }[];
  statusLabel: string;
  canPay: boolean;
  accessEnds: string | null;
  renewFrom: string | null;
  plan: { name: string };
};

describe("/dashboard/$role/payment", () => {
  it("shows the role's plan and price from server config and the status", async () => {
    const user = await createUser(app.db, { role: "professional" });
    const cookie = await sessionCookieFor(app.db, user);
    const { status, data } = await run<PayData>(() =>
      payLoader(
        args(getRequest("/dashboard/professional/payment", cookie), { role: "professional" }),
      ),
    );
    expect(status).toBe(200);
    expect(data).toMatchObject({
      statusLabel: "None",
      canPay: true,
      plan: { name: "Professional annual access" },
    });
    expect(data?.options.map((o) => [o.choice, o.today, o.submitLabel])).toEqual([
      ["once", "MAD\u00a01,500.00", "Pay MAD\u00a01,500.00"],
      ["monthly", "Nothing", "Start free trial"],
      ["yearly", "Nothing", "Start free trial"],
    ]);
  });

  it("sends a signed-out visitor to login and another role to its own payment page", async () => {
    const anonymous = await run(() =>
      payLoader(args(getRequest("/dashboard/talent/payment"), { role: "talent" })),
    );
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login/);
    const user = await createUser(app.db, { role: "company" });
    const cookie = await sessionCookieFor(app.db, user);
    const other = await run(() =>
      payLoader(args(getRequest("/dashboard/talent/payment", cookie), { role: "talent" })),
    );
    expect(other.headers.get("Location")).toBe("/dashboard/company/payment");
  });

  it("offers no payment while access runs more than 30 days longer, and the action refuses", async () => {
    const user = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(100),
    });
    const cookie = await sessionCookieFor(app.db, user);
    const page = await run<PayData>(() =>
      payLoader(args(getRequest("/dashboard/talent/payment", cookie), { role: "talent" })),
    );
    expect(page.data?.canPay).toBe(false);
    expect(page.data?.statusLabel).toMatch(/^Active until /);
    expect(page.data?.renewFrom).toBeTruthy();

    const submit = await run<{ error: string }>(() =>
      payAction(args(formRequest("/dashboard/talent/payment", {}, cookie), { role: "talent" })),
    );
    expect(submit.status).toBe(409);
    expect(english(submit.data?.error)).toMatch(/active until .*; you can renew from /);
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(0);
  });

  it("answers 502 with a message and keeps no half-written payment when Stripe is unreachable", async () => {
    const user = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, user);
    const submit = await run<{ error: string }>(() =>
      payAction(
        args(formRequest("/dashboard/talent/payment", { amount: "1", plan: "free" }, cookie), {
          role: "talent",
        }),
      ),
    );
    expect(submit.status).toBe(502);
    expect(english(submit.data?.error)).toMatch(/Nothing was charged/);
    expect(
      await app.db.selectFrom("payments").select("id").where("user_id", "=", user.id).execute(),
    ).toHaveLength(0);
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });
});

describe("/payment/success without Stripe", () => {
  it("a malformed session id is a 400", async () => {
    const user = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await run<{ result: { kind: string } }>(() =>
      successLoader(args(getRequest("/payment/success?session_id=nope<script>", cookie))),
    );
    expect(outcome.status).toBe(400);
    expect(outcome.data?.result.kind).toBe("problem");
  });

  it("an unknown session id and someone else's session are 404s and change nothing", async () => {
    const owner = await createUser(app.db);
    const payment = await createPendingPayment(app.db, owner);
    const intruder = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, intruder);
    const unknown = await run(() =>
      successLoader(args(getRequest("/payment/success?session_id=cs_test_doesnotexist", cookie))),
    );
    expect(unknown.status).toBe(404);
    const foreign = await run(() =>
      successLoader(
        args(
          getRequest(`/payment/success?session_id=${payment.stripe_checkout_session_id}`, cookie),
        ),
      ),
    );
    expect(foreign.status).toBe(404);
    const row = await app.db
      .selectFrom("payments")
      .select("status")
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });
});

describe("/payment/success with Stripe unreachable", () => {
  it("answers the 502 page for the member's own session and writes nothing", async () => {
    const user = await createUser(app.db);
    const payment = await createPendingPayment(app.db, user);
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await run<{ user: { role: Role }; result: CheckoutReturn }>(() =>
      successLoader(
        args(
          getRequest(`/payment/success?session_id=${payment.stripe_checkout_session_id}`, cookie),
        ),
      ),
    );
    expect(outcome.status).toBe(502);
    expect(outcome.data?.result).toMatchObject({ kind: "problem", status: 502 });
    const page = renderToStaticMarkup(
      createElement(
        MemoryRouter,
        null,
        createElement(PaymentOutcome, { result: outcome.data!.result, role: user.role }),
      ),
    );
    // Rendered without catalogs, the page shows the message's key; an English page its words.
    expect(page).toContain("payment:problems.unreachable");
    const result = outcome.data!.result;
    expect(english(result.kind === "problem" ? result.message : null)).toBe(
      "We could not reach our payment provider to confirm this payment. Please refresh in a moment.",
    );

    const row = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: "pending",
      failure_message: null,
      updated_at: payment.updated_at,
    });
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    expect(
      await app.db
        .selectFrom("email_outbox")
        .select("id")
        .where("to_email", "=", user.email)
        .execute(),
    ).toHaveLength(0);
  });
});

describe("/payment/success for a payment already paid", () => {
  it("answers from one read, without Stripe (unreachable here) and without writing", async () => {
    const endsAt = daysFromNow(365);
    const user = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: endsAt,
    });
    const payment = await createPendingPayment(app.db, user, { status: "paid" });
    await app.db
      .updateTable("payments")
      .set({ stripe_payment_intent_id: "pi_test_paid_before" })
      .where("id", "=", payment.id)
      .execute();
    const before = await app.db
      .selectFrom("payments")
      .selectAll()
      .where("id", "=", payment.id)
      .executeTakeFirstOrThrow();
    const cookie = await sessionCookieFor(app.db, user);

    const outcome = await run<{ result: CheckoutReturn }>(() =>
      successLoader(
        args(
          getRequest(`/payment/success?session_id=${payment.stripe_checkout_session_id}`, cookie),
        ),
      ),
    );
    expect(outcome.status).toBe(200);
    expect(outcome.data?.result).toEqual({
      kind: "paid",
      accessEndsOn: formatDate(endsAt, "en"),
      accessEndsAt: endsAt,
      paymentId: payment.id,
    });
    expect(
      await app.db
        .selectFrom("payments")
        .selectAll()
        .where("id", "=", payment.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect(await reloadUser(app.db, user.id)).toMatchObject({
      subscription_status: "ACTIVE",
      access_expires_at: endsAt,
    });
  });
});

describe("/payment/cancel", () => {
  it("links back to the signed-in user's payment page and changes nothing", async () => {
    const user = await createUser(app.db, { role: "company" });
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await run<{ user: { role: string } }>(() =>
      cancelLoader(args(getRequest("/payment/cancel", cookie))),
    );
    expect(outcome.status).toBe(200);
    expect(outcome.data?.user.role).toBe("company");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });
});
