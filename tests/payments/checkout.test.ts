import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { postmarkTransport } from "../../app/email/transport.server";
import { formatMoney } from "../../app/i18n/format";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import { loader as successLoader } from "../../app/routes/payment.success";
import { action as webhookAction } from "../../app/routes/api.webhooks.stripe";
import type { User } from "../../db/schema";
import { startPostmarkSink } from "../support/postmark-sink";
import { createUser, daysFromNow, reloadUser, sessionCookieFor } from "../support/factories";
import { args, formRequest, getRequest, run } from "../support/requests";
import { stripeEvent, webhookRequest } from "../support/stripe-events";
import {
  payOnHostedPage,
  setupTestAppWithStripe,
  type TestAppWithStripe,
} from "../support/stripe-sim";

let app: TestAppWithStripe;
beforeAll(async () => {
  app = await setupTestAppWithStripe();
});
afterAll(async () => {
  await app.close();
});

async function submitPayment(user: User, cookie: string, fields: Record<string, string> = {}) {
  return run<{ error: string }>(() =>
    payAction(
      args(formRequest(`/dashboard/${user.role}/payment`, fields, cookie), { role: user.role }),
    ),
  );
}

async function sessionsOf(user: User) {
  const all = await app.stripe.checkout.sessions.list({ limit: 100 });
  return all.data.filter((s) => s.client_reference_id === String(user.id));
}

const paymentsOf = (user: User) =>
  app.db.selectFrom("payments").selectAll().where("user_id", "=", user.id).execute();

describe("checkout action against the Stripe stand-in", () => {
  it("creates a Checkout Session with the server's price and redirects to it; client fields are ignored", async () => {
    const user = await createUser(app.db, { role: "company" });
    const cookie = await sessionCookieFor(app.db, user);
    const outcome = await submitPayment(user, cookie, {
      amount: "1",
      currency: "usd",
      plan: "talent_annual_membership",
    });
    expect(outcome.status).toBe(303);
    const location = outcome.headers.get("Location")!;

    const [payment] = await paymentsOf(user);
    expect(payment).toMatchObject({
      status: "pending",
      amount: 350000,
      currency: "mad",
      plan: "company_annual_access",
      checkout_url: location,
    });
    const session = await app.stripe.checkout.sessions.retrieve(
      payment!.stripe_checkout_session_id!,
    );
    expect(session).toMatchObject({
      amount_total: 350000,
      currency: "mad",
      client_reference_id: String(user.id),
      mode: "payment",
      url: location,
    });
    expect(session.metadata).toMatchObject({
      user_id: String(user.id),
      role: "company",
      plan: "company_annual_access",
    });
    expect(session.customer).toBe(payment!.stripe_customer_id);
    expect(session.expires_at * 1000).toBeGreaterThanOrEqual(Date.now() + 30 * 60 * 1000);
  });

  it("a concurrent double submit makes one Checkout Session and one pending row", async () => {
    const user = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, user);
    const [a, b] = await Promise.all([submitPayment(user, cookie), submitPayment(user, cookie)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.get("Location")).toBe(b.headers.get("Location"));
    expect(await sessionsOf(user)).toHaveLength(1);
    const rows = await paymentsOf(user);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe("pending");
    const customers = await app.db
      .selectFrom("stripe_customers")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(customers).toHaveLength(1);
  });

  it("reuses the open session within 30 minutes, and starts a new one after", async () => {
    const user = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, user);
    const first = await submitPayment(user, cookie);
    const second = await submitPayment(user, cookie);
    expect(second.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await sessionsOf(user)).toHaveLength(1);

    const old = new Date(Date.now() - 31 * 60 * 1000).toISOString();
    // created_at is insert-only in the schema types; age the reservation with plain SQL.
    await sql`update payments set created_at = ${old} where user_id = ${user.id}`.execute(app.db);
    const third = await submitPayment(user, cookie);
    expect(third.status).toBe(303);
    expect(third.headers.get("Location")).not.toBe(first.headers.get("Location"));
    expect(await sessionsOf(user)).toHaveLength(2);
  });

  it("is refused while access runs more than 30 days longer", async () => {
    const user = await createUser(app.db, {
      subscription_status: "ACTIVE",
      access_expires_at: daysFromNow(45),
    });
    const cookie = await sessionCookieFor(app.db, user);
    expect((await submitPayment(user, cookie)).status).toBe(409);
    expect(await sessionsOf(user)).toHaveLength(0);
  });

  it("one Stripe customer per user even when two requests race", async () => {
    const user = await createUser(app.db);
    const ids = await Promise.all(
      [1, 2, 3].map(() => getOrCreateStripeCustomer(app.db, app.stripe, user, new Date())),
    );
    expect(new Set(ids).size).toBe(1);
    const rows = await app.db
      .selectFrom("stripe_customers")
      .selectAll()
      .where("user_id", "=", user.id)
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe("paying, the success page and the webhook", () => {
  async function paidCheckout(role: User["role"] = "talent") {
    const user = await createUser(app.db, { role });
    const cookie = await sessionCookieFor(app.db, user);
    const submit = await submitPayment(user, cookie);
    const checkoutUrl = submit.headers.get("Location")!;
    const paid = await payOnHostedPage(checkoutUrl, { email: user.email });
    expect(paid.status).toBe(303);
    const successUrl = new URL(paid.headers.get("Location")!);
    expect(successUrl.pathname).toBe("/payment/success");
    const sessionId = successUrl.searchParams.get("session_id")!;
    return { user, cookie, sessionId, successPath: `${successUrl.pathname}${successUrl.search}` };
  }

  it("the success page fulfils a paid session and shows Active until", async () => {
    const { user, cookie, successPath } = await paidCheckout();
    const outcome = await run<{ result: { kind: string; accessEndsOn?: string } }>(() =>
      successLoader(args(getRequest(successPath, cookie))),
    );
    expect(outcome.status).toBe(200);
    expect(outcome.data?.result.kind).toBe("paid");
    const fresh = await reloadUser(app.db, user.id);
    expect(fresh.subscription_status).toBe("ACTIVE");
  });

  it("the success page and the webhook racing fulfil once; the email goes out once through Postmark", async () => {
    const { user, cookie, sessionId, successPath } = await paidCheckout("professional");
    const session = await app.stripe.checkout.sessions.retrieve(sessionId);
    const payload = JSON.stringify(stripeEvent("checkout.session.completed", session));
    const [page, ...hooks] = await Promise.all([
      run<{ result: { kind: string } }>(() => successLoader(args(getRequest(successPath, cookie)))),
      webhookAction(args(webhookRequest(payload))),
      webhookAction(
        args(webhookRequest(JSON.stringify(stripeEvent("checkout.session.completed", session)))),
      ),
    ]);
    expect(page.data?.result.kind).toBe("paid");
    expect(hooks.map((h) => h.status)).toEqual([200, 200]);

    const payments = await paymentsOf(user);
    expect(payments.filter((p) => p.status === "paid")).toHaveLength(1);
    const fresh = await reloadUser(app.db, user.id);
    const oneYear = new Date(payments[0]!.paid_at!);
    oneYear.setUTCFullYear(oneYear.getUTCFullYear() + 1);
    expect(fresh.access_expires_at).toBe(oneYear.toISOString());
    const emails = await app.db
      .selectFrom("email_outbox")
      .selectAll()
      .where("to_email", "=", user.email)
      .execute();
    expect(emails).toHaveLength(1);

    const sink = await startPostmarkSink();
    try {
      const transport = postmarkTransport({
        serverToken: "t",
        apiBase: sink.url,
        from: "no-reply@example.test",
        messageStream: "outbound",
      });
      await dispatchDueEmails(app.db, transport, () => new Date());
      await dispatchDueEmails(app.db, transport, () => new Date());
      expect(sink.requests.filter((r) => r.body.To === user.email)).toHaveLength(1);
      expect(String(sink.requests.find((r) => r.body.To === user.email)?.body.TextBody)).toContain(
        // written in the member's language when sent: French for an account that never chose
        formatMoney(150_000, "MAD", "fr"),
      );
    } finally {
      await sink.close();
    }
  });

  it("before payment the success page says processing, and changes nothing", async () => {
    const user = await createUser(app.db);
    const cookie = await sessionCookieFor(app.db, user);
    await submitPayment(user, cookie);
    const [payment] = await paymentsOf(user);
    const outcome = await run<{ result: { kind: string } }>(() =>
      successLoader(
        args(
          getRequest(`/payment/success?session_id=${payment!.stripe_checkout_session_id}`, cookie),
        ),
      ),
    );
    expect(outcome.data?.result.kind).toBe("processing");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });

  it("a declined card leaves the payment pending and the user without access", async () => {
    const user = await createUser(app.db);
    // Stripe's page speaks the member's language; this one reads English.
    await app.db.updateTable("users").set({ locale: "en" }).where("id", "=", user.id).execute();
    const cookie = await sessionCookieFor(app.db, user);
    const submit = await submitPayment(user, cookie);
    const declined = await payOnHostedPage(submit.headers.get("Location")!, {
      cardNumber: "4000 0000 0000 9995",
    });
    // The hosted page shows its form again with the decline, as Stripe does (402, no redirect).
    expect(declined.status).toBe(402);
    expect(await declined.text()).toMatch(/insufficient funds/i);
    expect((await paymentsOf(user))[0]?.status).toBe("pending");
    expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
  });
});
