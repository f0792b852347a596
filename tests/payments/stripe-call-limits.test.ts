import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PORTAL_REUSE_MS } from "../../app/billing/portal.server";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { stripe } from "../../app/lib/stripe.server";
import { STRIPE_CALL_LIMITS, STRIPE_CALL_WINDOW_MS } from "../../app/lib/stripe-call-limits.server";
import {
  headers as subscriptionSuccessHeaders,
  loader as subscriptionSuccessLoader,
} from "../../app/routes/billing.success";
import { headers as portalHeaders, loader as portalLoader } from "../../app/routes/billing.portal";
import { action as billingAction } from "../../app/routes/dashboard.$role_.billing";
import { action as payAction } from "../../app/routes/dashboard.$role_.payment";
import {
  headers as successHeaders,
  loader as successLoader,
} from "../../app/routes/payment.success";
import { getOrCreateStripeCustomer } from "../../app/payments/customers.server";
import type { User } from "../../db/schema";
import { setupTestApp, TEST_APP_URL, type TestApp } from "../support/app";
import { startStandIn, type SimHarness } from "../support/stand-in";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";
import { args, run } from "../support/requests";
import { english } from "../support/messages";

// The app talks to the stand-in through a proxy that counts every Stripe API request, so each
// test can say how many calls an attacker's burst made at Stripe.
let app: TestApp;
let standIn: SimHarness;
let proxy: Server;
const stripeCalls: string[] = [];

beforeAll(async () => {
  standIn = await startStandIn();
  proxy = createServer((req, res) => {
    stripeCalls.push(`${req.method} ${req.url?.split("?")[0]}`);
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: standIn.sim.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  app = await setupTestApp({
    stripeApiBase: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
  });
});
afterAll(async () => {
  await app.close();
  await new Promise((resolve) => proxy.close(resolve));
  await standIn.cleanup();
});
afterEach(() => vi.useRealTimers());

let addressCounter = 0;
/** A client address used by no other test. */
const freshAddress = () => `203.0.113.${(addressCounter += 1)}`;

function get(path: string, cookie: string, address: string): Request {
  return new Request(`${TEST_APP_URL}${path}`, {
    headers: { Cookie: cookie, [CLIENT_ADDRESS_HEADER]: address },
  });
}

function post(path: string, fields: Record<string, string>, cookie: string, address: string) {
  return new Request(`${TEST_APP_URL}${path}`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      "Content-Type": "application/x-www-form-urlencoded",
      [CLIENT_ADDRESS_HEADER]: address,
    },
    body: new URLSearchParams(fields),
  });
}

const callsTo = (prefix: string) => stripeCalls.filter((c) => c.startsWith(prefix)).length;

/** A member with a Stripe customer (as after a first checkout) and their cookie. */
async function memberWithCustomer(): Promise<{ user: User; cookie: string }> {
  const user = await createUser(app.db, { role: "talent" });
  await getOrCreateStripeCustomer(app.db, stripe(), user, new Date());
  return { user, cookie: await sessionCookieFor(app.db, user) };
}

async function paymentRows(userId: number) {
  return app.db.selectFrom("payments").selectAll().where("user_id", "=", userId).execute();
}

describe("the customer portal", () => {
  it("100 GETs of /billing/portal at once make one portal session at Stripe, all sent to it", async () => {
    const { cookie } = await memberWithCustomer();
    const before = callsTo("POST /v1/billing_portal/sessions");
    const address = freshAddress();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () =>
        run(() => portalLoader(args(get("/billing/portal", cookie, address)))),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(Array(100).fill(303));
    expect(new Set(outcomes.map((o) => o.headers.get("Location"))).size).toBe(1);
    expect(callsTo("POST /v1/billing_portal/sessions") - before).toBe(1);
  });

  it(`past ${STRIPE_CALL_LIMITS.portal.perMember} fresh sessions a minute, a member gets 429 with Retry-After and Stripe is not called`, async () => {
    const { cookie } = await memberWithCustomer();
    vi.useFakeTimers({ toFake: ["Date"] });
    const address = freshAddress();
    const before = callsTo("POST /v1/billing_portal/sessions");
    const step = PORTAL_REUSE_MS + 500;
    for (let i = 0; i < STRIPE_CALL_LIMITS.portal.perMember; i++) {
      const outcome = await run(() => portalLoader(args(get("/billing/portal", cookie, address))));
      expect(outcome.status).toBe(303);
      vi.setSystemTime(Date.now() + step);
    }
    // The same limit holds through the billing page's "Manage billing" button, from another address.
    const refused = await run<{ error: string }>(() =>
      billingAction(
        args(post("/dashboard/talent/billing", {}, cookie, freshAddress()), { role: "talent" }),
      ),
    );
    expect(refused.status).toBe(429);
    expect(english(refused.data?.error)).toMatch(/^Too many requests .* Please try again in /);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(STRIPE_CALL_WINDOW_MS / 1000);
    const page = await run<{ message: string }>(() =>
      portalLoader(args(get("/billing/portal", cookie, address))),
    );
    expect(page.status).toBe(429);
    expect(page.headers.get("Retry-After")).toEqual(expect.stringMatching(/^\d+$/));
    expect(callsTo("POST /v1/billing_portal/sessions") - before).toBe(
      STRIPE_CALL_LIMITS.portal.perMember,
    );

    // Once the window has moved on, the member opens the portal again.
    vi.setSystemTime(Date.now() + retryAfter * 1000);
    expect(
      (await run(() => portalLoader(args(get("/billing/portal", cookie, address))))).status,
    ).toBe(303);
  });

  it(`one address opening the portals of many members is refused past ${STRIPE_CALL_LIMITS.portal.perClient} a minute`, async () => {
    const address = freshAddress();
    const members = [];
    for (let i = 0; i <= STRIPE_CALL_LIMITS.portal.perClient; i++)
      members.push(await memberWithCustomer());
    const before = callsTo("POST /v1/billing_portal/sessions");
    const statuses = [];
    for (const { cookie } of members)
      statuses.push(
        (await run(() => portalLoader(args(get("/billing/portal", cookie, address))))).status,
      );
    expect(statuses.filter((s) => s === 303)).toHaveLength(STRIPE_CALL_LIMITS.portal.perClient);
    expect(statuses.at(-1)).toBe(429);
    expect(callsTo("POST /v1/billing_portal/sessions") - before).toBe(
      STRIPE_CALL_LIMITS.portal.perClient,
    );
    // Another member elsewhere is not affected.
    const other = await memberWithCustomer();
    expect(
      (await run(() => portalLoader(args(get("/billing/portal", other.cookie, freshAddress())))))
        .status,
    ).toBe(303);
  });
});

describe("checkout creation", () => {
  it(`a member's burst of checkout POSTs is refused with 429 past ${STRIPE_CALL_LIMITS.checkout.perMember} a minute, writing nothing more`, async () => {
    const user = await createUser(app.db, { role: "talent" });
    const cookie = await sessionCookieFor(app.db, user);
    const address = freshAddress();
    const submit = () =>
      run<{ error: string }>(() =>
        payAction(
          args(post("/dashboard/talent/payment", { plan: "once" }, cookie, address), {
            role: "talent",
          }),
        ),
      );
    for (let i = 0; i < STRIPE_CALL_LIMITS.checkout.perMember; i++)
      expect((await submit()).status).toBe(303);
    const rows = await paymentRows(user.id);
    const calls = stripeCalls.length;
    const refused = await submit();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(english(refused.data?.error)).toMatch(/^Too many requests .* Please try again in /);
    expect(stripeCalls.length).toBe(calls);
    expect(await paymentRows(user.id)).toEqual(rows);
  });
});

describe("the pages after Checkout, for a session still open", () => {
  it.each([
    ["/payment/success", "once", successLoader],
    ["/billing/success", "monthly", subscriptionSuccessLoader],
  ] as const)(
    `%s reads the session from Stripe at most ${STRIPE_CALL_LIMITS["checkout-return"].perMember} times a minute for a member, then answers 429`,
    async (path, plan, loader) => {
      const user = await createUser(app.db, { role: "talent" });
      const cookie = await sessionCookieFor(app.db, user);
      const started = await run(() =>
        payAction(
          args(post("/dashboard/talent/payment", { plan }, cookie, freshAddress()), {
            role: "talent",
          }),
        ),
      );
      expect(started.status).toBe(303);
      const [payment] = await paymentRows(user.id);
      const sessionId = payment!.stripe_checkout_session_id!;
      const address = freshAddress();
      const view = () =>
        run<{ result: { kind: string } }>(() =>
          loader(args(get(`${path}?session_id=${sessionId}`, cookie, address))),
        );

      const retrievesBefore = callsTo(`GET /v1/checkout/sessions/${sessionId}`);
      for (let i = 0; i < STRIPE_CALL_LIMITS["checkout-return"].perMember; i++) {
        const outcome = await view();
        expect(outcome.status).toBe(200);
        expect(outcome.data?.result.kind).toBe("processing");
      }
      const refused = await view();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(callsTo(`GET /v1/checkout/sessions/${sessionId}`) - retrievesBefore).toBe(
        STRIPE_CALL_LIMITS["checkout-return"].perMember,
      );
      // Nothing was written by the refused view.
      expect(await paymentRows(user.id)).toEqual([payment]);
      expect((await reloadUser(app.db, user.id)).subscription_status).toBe("NONE");
    },
  );
});

describe("the 429 documents", () => {
  it.each([
    ["/billing/portal", portalHeaders],
    ["/payment/success", successHeaders],
    ["/billing/success", subscriptionSuccessHeaders],
  ] as const)("%s passes its loader's Retry-After to the document", (_path, headers) => {
    const loaderHeaders = new Headers({ "Retry-After": "17" });
    const answer = new Headers(
      headers({
        loaderHeaders,
        actionHeaders: new Headers(),
        parentHeaders: new Headers(),
        errorHeaders: undefined,
      }),
    );
    expect(answer.get("Retry-After")).toBe("17");
  });
});
