import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { loader as memberLoader } from "../../app/routes/staff.members.$id";
import { eventTable } from "../../app/stripe-events/entry.server";
import { processVerifiedEvent } from "../../app/stripe-events/process.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser } from "../support/factories";
import { args, getRequest, run } from "../support/requests";
import { stripeEvent } from "../support/stripe-events";
import { paidCustomer, staffMember } from "../support/staff";

// The member page lists every Stripe event that concerned the member: found through the
// customer and PaymentIntent ids the ledger records when an event arrives, newest first, 50 a
// page by keyset.

let app: TestApp;
let db: Kysely<Database>;
let staff: Awaited<ReturnType<typeof staffMember>>;
/** Nothing handled: the ledger records each event (and its subject) and marks it processed. */
const noHandlers = eventTable([]);

beforeAll(async () => {
  app = await setupTestApp();
  db = app.db;
  staff = await staffMember(db);
});
afterAll(async () => {
  await app.close();
});

async function member(tag: string) {
  const user = await createUser(db, { name: `Member ${tag}` });
  await paidCustomer(db, user, tag);
  return user;
}

/** Delivers an event to the webhook's entry point; `fail` makes it fail after its effects. */
async function deliver(type: string, object: object, fail = false): Promise<string> {
  const event = stripeEvent(type, object);
  await processVerifiedEvent(event, {
    db,
    now: new Date(),
    source: "webhook",
    table: noHandlers,
    onEffectsApplied: fail
      ? () => {
          throw new Error("database hiccup");
        }
      : undefined,
  });
  return event.id;
}

/** Every kind of object that concerns a member with customer cus_<tag> and pi_<tag>. */
async function eventsOf(tag: string, fail = false): Promise<string[]> {
  const cus = `cus_${tag}`;
  const pi = `pi_${tag}`;
  const ids = [];
  ids.push(await deliver("customer.created", { object: "customer", id: cus }));
  ids.push(
    await deliver("checkout.session.completed", {
      object: "checkout.session",
      id: `cs_${tag}`,
      customer: cus,
      payment_intent: pi,
    }),
  );
  ids.push(
    await deliver("payment_intent.succeeded", { object: "payment_intent", id: pi, customer: cus }),
  );
  ids.push(
    await deliver("charge.succeeded", {
      object: "charge",
      id: `ch_${tag}`,
      customer: cus,
      payment_intent: pi,
    }),
  );
  ids.push(
    await deliver("charge.refunded", {
      object: "charge",
      id: `ch_${tag}`,
      customer: cus,
      payment_intent: pi,
    }),
  );
  // refunds and disputes carry no customer: their PaymentIntent finds them
  ids.push(
    await deliver("refund.created", { object: "refund", id: `re_${tag}`, payment_intent: pi }),
  );
  ids.push(
    await deliver("charge.dispute.created", {
      object: "dispute",
      id: `dp_${tag}`,
      charge: `ch_${tag}`,
      payment_intent: { id: pi, object: "payment_intent" },
    }),
  );
  ids.push(
    await deliver("invoice.paid", {
      object: "invoice",
      id: `in_${tag}`,
      customer: { id: cus, object: "customer" },
    }),
  );
  ids.push(
    await deliver("customer.subscription.updated", {
      object: "subscription",
      id: `sub_${tag}`,
      customer: cus,
    }),
  );
  // an event that failed is recorded with its subject too
  ids.push(await deliver("customer.updated", { object: "customer", id: cus }, fail));
  return ids;
}

type Page = {
  events: { id: string; type: string; processed: boolean; error: string | null }[];
  eventsNextPath: string | null;
  eventsFirstPath: string | null;
};

function memberPage(userId: number, query = "") {
  return run<Page>(() =>
    memberLoader(
      args(getRequest(`/staff/members/${userId}${query}`, staff.cookie), { id: String(userId) }),
    ),
  );
}

describe("the Stripe events on the member page", () => {
  it("lists every event about the member's customer and PaymentIntents, newest first, and no one else's", async () => {
    const alice = await member("alice_ev");
    const bob = await member("bob_ev");
    const aliceEvents = await eventsOf("alice_ev", true);
    const bobEvents = await eventsOf("bob_ev");
    const page = await memberPage(alice.id);
    expect(page.status).toBe(200);
    expect(page.data!.events.map((e) => e.id)).toEqual([...aliceEvents].reverse());
    expect(page.data!.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.refunded",
        "refund.created",
        "charge.dispute.created",
        "invoice.paid",
        "customer.subscription.updated",
        "customer.created",
      ]),
    );
    const failed = page.data!.events[0]!;
    expect(failed).toMatchObject({ type: "customer.updated", processed: false });
    expect(failed.error).toContain("database hiccup");
    expect(page.data!.eventsNextPath).toBeNull();
    const bobPage = await memberPage(bob.id);
    expect(bobPage.data!.events.map((e) => e.id)).toEqual([...bobEvents].reverse());
  });

  it("pages 50 at a time by keyset, each event once", async () => {
    const carol = await member("carol_ev");
    const ids = await eventsOf("carol_ev");
    for (let i = 0; i < 55; i++)
      ids.push(await deliver("customer.updated", { object: "customer", id: "cus_carol_ev" }));
    const first = await memberPage(carol.id);
    expect(first.data!.events).toHaveLength(50);
    expect(first.data!.eventsFirstPath).toBeNull();
    const next = first.data!.eventsNextPath!;
    expect(next).toMatch(new RegExp(`^/staff/members/${carol.id}\\?events=\\d+#events$`));
    const second = await memberPage(carol.id, next.slice(next.indexOf("?"), next.indexOf("#")));
    expect(second.data!.events).toHaveLength(15);
    expect(second.data!.eventsNextPath).toBeNull();
    expect(second.data!.eventsFirstPath).toBe(`/staff/members/${carol.id}#events`);
    expect([...first.data!.events, ...second.data!.events].map((e) => e.id)).toEqual(
      [...ids].reverse(),
    );
  });

  it("also lists events older than the ledger's subject columns that changed the member's subscription", async () => {
    const erin = await member("erin_ev");
    const now = new Date().toISOString();
    await db
      .insertInto("subscriptions")
      .values({
        stripe_subscription_id: "sub_erin_ev",
        user_id: erin.id,
        stripe_customer_id: "cus_erin_ev",
        plan: "talent_monthly",
        interval: "month",
        stripe_price_id: "price_erin_ev",
        amount: 3000,
        currency: "mad",
        status: "active",
        current_period_start: now,
        current_period_end: now,
        trial_start: null,
        trial_end: null,
        cancel_at_period_end: 0,
        cancel_at: null,
        canceled_at: null,
        ended_at: null,
        cancellation_reason: null,
        card_brand: null,
        card_last4: null,
        latest_invoice_id: null,
        stripe_created_at: now,
        synced_at: now,
        created_at: now,
      })
      .execute();
    // a ledger row as migration 83 found it: no customer, no PaymentIntent
    await db
      .insertInto("stripe_webhook_events")
      .values({
        event_id: "evt_erin_before_83",
        event_type: "customer.subscription.created",
        processed: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto("subscription_status_history")
      .values({
        stripe_subscription_id: "sub_erin_ev",
        from_status: null,
        to_status: "active",
        cause: "evt_erin_before_83",
        at: now,
      })
      .execute();
    const later = await deliver("invoice.paid", {
      object: "invoice",
      id: "in_erin",
      customer: "cus_erin_ev",
    });
    const page = await memberPage(erin.id);
    expect(page.data!.events.map((e) => e.id)).toEqual([later, "evt_erin_before_83"]);
  });

  it("a member with no customer and no payment has no events; a bad cursor is ignored", async () => {
    const dave = await createUser(db, { name: "Dave" });
    const page = await memberPage(dave.id, "?events=garbage");
    expect(page.status).toBe(200);
    expect(page.data!.events).toEqual([]);
  });
});
