import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cardFields,
  createPaymentSession,
  eventTypes,
  getPage,
  postForm,
  rejection,
  startHarness,
} from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(() => h.cleanup());

async function paidIntent(paymentMethod = "pm_card_visa", amount = 30000) {
  return stripe.paymentIntents.create({
    amount,
    currency: "mad",
    payment_method: paymentMethod,
    confirm: true,
    description: "Annual membership",
  });
}

/** Event types about one object (by id in data.object or one of its id fields), oldest first. */
async function eventsAbout(id: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) all.push(event);
  return all.reverse().filter((event) => JSON.stringify(event.data.object).includes(id));
}

describe("refunds", () => {
  it("a partial then a full refund: amounts on the charge, events, balance transactions", async () => {
    const intent = await paidIntent();
    const chargeId = intent.latest_charge as string;

    const partial = await stripe.refunds.create({
      charge: chargeId,
      amount: 10000,
      reason: "requested_by_customer",
      metadata: { order: "42" },
    });
    expect(partial).toMatchObject({
      object: "refund",
      amount: 10000,
      currency: "mad",
      charge: chargeId,
      payment_intent: intent.id,
      status: "succeeded",
      reason: "requested_by_customer",
      metadata: { order: "42" },
    });
    expect(partial.id).toMatch(/^re_/);
    let charge = await stripe.charges.retrieve(chargeId);
    expect(charge).toMatchObject({ amount_refunded: 10000, refunded: false });

    // The rest, named by the PaymentIntent and without an amount.
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(20000);
    charge = await stripe.charges.retrieve(chargeId, { expand: ["refunds"] });
    expect(charge).toMatchObject({ amount_refunded: 30000, refunded: true });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([rest.id, partial.id]);

    const events = await eventsAbout(chargeId);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "refund.created")).toHaveLength(2);
    const refundedEvents = events.filter((e) => e.type === "charge.refunded");
    expect(refundedEvents).toHaveLength(2);
    expect(refundedEvents.map((e) => (e.data.object as Stripe.Charge).amount_refunded)).toEqual([
      10000, 30000,
    ]);
    expect(refundedEvents[1]?.data.previous_attributes).toEqual({
      amount_refunded: 10000,
      refunded: false,
    });
    // refund.created comes before its charge.refunded.
    expect(types.indexOf("refund.created")).toBeLessThan(types.indexOf("charge.refunded"));

    // Money: the charge's transaction less Stripe's fee, each refund's taking the amount back.
    const chargeTxn = await stripe.balanceTransactions.retrieve(
      charge.balance_transaction as string,
    );
    expect(chargeTxn).toMatchObject({
      object: "balance_transaction",
      amount: 30000,
      fee: 900,
      net: 29100,
      currency: "mad",
      type: "charge",
      source: chargeId,
    });
    expect(["pending", "available"]).toContain(chargeTxn.status);
    expect(chargeTxn.available_on).toBeGreaterThan(chargeTxn.created);
    const expanded = await stripe.refunds.retrieve(partial.id, {
      expand: ["balance_transaction"],
    });
    expect(expanded.balance_transaction).toMatchObject({
      amount: -10000,
      fee: 0,
      net: -10000,
      type: "refund",
      source: partial.id,
    });
    const listed = await stripe.balanceTransactions.list({ type: "refund", limit: 100 });
    expect(listed.data.map((t) => t.source)).toEqual(expect.arrayContaining([partial.id, rest.id]));
  });

  it("refuses more than the unrefunded amount with Stripe's error, and changes nothing", async () => {
    const intent = await paidIntent();
    const chargeId = intent.latest_charge as string;
    await stripe.refunds.create({ charge: chargeId, amount: 25000 });
    const over = await rejection(stripe.refunds.create({ charge: chargeId, amount: 5001 }));
    expect(over.statusCode).toBe(400);
    expect(over.type).toBe("StripeInvalidRequestError");
    expect(over.param).toBe("amount");
    expect(over.message).toBe(
      "Refund amount (MAD 50.01) is greater than unrefunded amount on charge (MAD 50.00)",
    );
    expect((await stripe.charges.retrieve(chargeId)).amount_refunded).toBe(25000);
    expect((await stripe.refunds.list({ charge: chargeId })).data).toHaveLength(1);

    await stripe.refunds.create({ charge: chargeId });
    const again = await rejection(stripe.refunds.create({ charge: chargeId }));
    expect(again.code).toBe("charge_already_refunded");
    const zero = await rejection(
      stripe.refunds.create({ charge: intent.latest_charge as string, amount: 0 }),
    );
    expect(zero.statusCode).toBe(400);
    const missing = await rejection(stripe.refunds.create({ charge: "ch_missing" }));
    expect(missing).toMatchObject({ statusCode: 400, code: "resource_missing" });
    const neither = await rejection(stripe.refunds.create({}));
    expect(neither.statusCode).toBe(400);
  });

  it("honours Idempotency-Key: a retried refund is the same refund, made once", async () => {
    const intent = await paidIntent();
    const chargeId = intent.latest_charge as string;
    const first = await stripe.refunds.create(
      { charge: chargeId, amount: 5000 },
      { idempotencyKey: "refund-once" },
    );
    const second = await stripe.refunds.create(
      { charge: chargeId, amount: 5000 },
      { idempotencyKey: "refund-once" },
    );
    expect(second.id).toBe(first.id);
    expect((await stripe.charges.retrieve(chargeId)).amount_refunded).toBe(5000);
    const reused = await rejection(
      stripe.refunds.create({ charge: chargeId, amount: 6000 }, { idempotencyKey: "refund-once" }),
    );
    expect(reused.type).toBe("StripeIdempotencyError");
  });

  it("updates metadata (refund.updated), lists by charge and payment_intent", async () => {
    const intent = await paidIntent();
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    const updated = await stripe.refunds.update(refund.id, { metadata: { ticket: "7" } });
    expect(updated.metadata).toEqual({ ticket: "7" });
    const events = await eventsAbout(refund.id);
    const update = events.find((e) => e.type === "refund.updated");
    expect(update?.data.previous_attributes).toEqual({ metadata: {} });
    expect(
      (await stripe.refunds.list({ payment_intent: intent.id })).data.map((r) => r.id),
    ).toEqual([refund.id]);
    expect((await stripe.refunds.retrieve(refund.id)).metadata).toEqual({ ticket: "7" });
    const notFound = await rejection(stripe.refunds.retrieve("re_missing"));
    expect(notFound.statusCode).toBe(404);
  });

  it("refuses a PaymentIntent without a successful charge", async () => {
    const declined = await rejection(paidIntent("pm_card_chargeDeclined"));
    const intentId = (declined.raw as { payment_intent?: { id: string } }).payment_intent?.id ?? "";
    const error = await rejection(stripe.refunds.create({ payment_intent: intentId }));
    expect(error.message).toBe(
      `This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
    );
  });
});

describe("the dashboard's Refund button", () => {
  it("refunds the whole charge through the same code, with the same events", async () => {
    const intent = await paidIntent();
    const chargeId = intent.latest_charge as string;
    const dashboard = await getPage(`${h.sim.url}/_sim`);
    expect(dashboard.html).toContain(`data-testid="refund-${chargeId}"`);

    // A page on another site cannot press it.
    const foreign = await fetch(`${h.sim.url}/_sim/charges/${chargeId}/refund`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Origin: "http://evil.example",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "",
    });
    expect(foreign.status).toBe(403);
    expect((await stripe.charges.retrieve(chargeId)).amount_refunded).toBe(0);

    const pressed = await postForm(`${h.sim.url}/_sim/charges/${chargeId}/refund`, {});
    expect(pressed.status).toBe(303);
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
      amount_refunded: 30000,
      refunded: true,
    });
    const types = (await eventsAbout(chargeId)).map((e) => e.type);
    expect(types).toContain("refund.created");
    expect(types).toContain("charge.refunded");
    const after = await getPage(`${h.sim.url}/_sim`);
    expect(after.html).not.toContain(`data-testid="refund-${chargeId}"`);
    const twice = await postForm(`${h.sim.url}/_sim/charges/${chargeId}/refund`, {});
    expect(twice.status).toBe(400);
    expect((await stripe.refunds.list({ charge: chargeId })).data).toHaveLength(1);
    expect((await postForm(`${h.sim.url}/_sim/charges/ch_nope/refund`, {})).status).toBe(404);
  });
});

describe("disputes", () => {
  it("pm_card_createDispute: the charge succeeds, then charge.dispute.created; winning evidence wins", async () => {
    const intent = await paidIntent("pm_card_createDispute");
    expect(intent.status).toBe("succeeded");
    const chargeId = intent.latest_charge as string;
    const disputes = await stripe.disputes.list({ charge: chargeId });
    expect(disputes.data).toHaveLength(1);
    const dispute = disputes.data[0] as Stripe.Dispute;
    expect(dispute).toMatchObject({
      object: "dispute",
      amount: 30000,
      currency: "mad",
      charge: chargeId,
      payment_intent: intent.id,
      status: "needs_response",
      reason: "fraudulent",
      is_charge_refundable: false,
    });
    expect(dispute.id).toMatch(/^dp_/);
    expect(dispute.balance_transactions[0]).toMatchObject({ amount: -30000, fee: 1500 });
    expect((await stripe.charges.retrieve(chargeId)).disputed).toBe(true);
    const types = (await eventsAbout(chargeId)).map((e) => e.type);
    expect(types.indexOf("payment_intent.succeeded")).toBeLessThan(
      types.indexOf("charge.dispute.created"),
    );
    expect(types).toContain("charge.dispute.funds_withdrawn");

    // No refund of a charged-back charge.
    const refused = await rejection(stripe.refunds.create({ charge: chargeId }));
    expect(refused.code).toBe("charge_disputed");

    const won = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: "winning_evidence" },
    });
    expect(won.status).toBe("won");
    expect(won.evidence.uncategorized_text).toBe("winning_evidence");
    expect(won.evidence_details).toMatchObject({ has_evidence: true, submission_count: 1 });
    expect(won.balance_transactions.map((t) => t.amount)).toEqual([-30000, 30000]);
    const after = (await eventsAbout(dispute.id)).map((e) => e.type);
    expect(after).toEqual([
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
      "charge.dispute.updated",
      "charge.dispute.closed",
      "charge.dispute.funds_reinstated",
    ]);
    const closedAgain = await rejection(
      stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: "losing_evidence" } }),
    );
    expect(closedAgain.statusCode).toBe(400);
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe("won");
  });

  it("losing evidence loses; evidence kept without submitting leaves it open", async () => {
    const intent = await paidIntent("pm_card_createDispute", 35000);
    const [dispute] = (await stripe.disputes.list({ payment_intent: intent.id })).data;
    if (!dispute) throw new Error("no dispute");
    const draft = await stripe.disputes.update(dispute.id, {
      evidence: { product_description: "Annual access" },
      submit: false,
      metadata: { case: "1" },
    });
    expect(draft).toMatchObject({ status: "needs_response", metadata: { case: "1" } });
    expect(draft.evidence_details.has_evidence).toBe(true);
    const lost = await stripe.disputes.update(dispute.id, {
      evidence: { uncategorized_text: "losing_evidence" },
    });
    expect(lost.status).toBe("lost");
    const closed = (await eventsAbout(dispute.id)).filter(
      (e) => e.type === "charge.dispute.closed",
    );
    expect(closed).toHaveLength(1);
    expect((closed[0]?.data.object as Stripe.Dispute).status).toBe("lost");
  });

  it("pm_card_createDisputeInquiry opens an inquiry; winning evidence closes it", async () => {
    const intent = await paidIntent("pm_card_createDisputeInquiry");
    const [inquiry] = (await stripe.disputes.list({ charge: intent.latest_charge as string })).data;
    expect(inquiry).toMatchObject({
      status: "warning_needs_response",
      is_charge_refundable: true,
      balance_transactions: [],
    });
    expect(inquiry?.payment_method_details?.card?.case_type).toBe("inquiry");
    const closed = await stripe.disputes.update(inquiry?.id ?? "", {
      evidence: { uncategorized_text: "winning_evidence" },
    });
    expect(closed.status).toBe("warning_closed");
  });

  it("closing (accepting) a dispute loses it", async () => {
    const intent = await paidIntent("pm_card_createDispute");
    const [dispute] = (await stripe.disputes.list({ payment_intent: intent.id })).data;
    const accepted = await stripe.disputes.close(dispute?.id ?? "");
    expect(accepted.status).toBe("lost");
    expect((await stripe.disputes.list({ limit: 100 })).data.map((d) => d.id)).toContain(
      accepted.id,
    );
  });

  it("card 4000 0000 0000 0259 on the hosted page: the session completes, then the dispute opens", async () => {
    const session = await createPaymentSession(stripe);
    const paid = await postForm(session.url ?? "", cardFields("4000000000000259"));
    expect(paid.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.payment_status).toBe("paid");
    const intent = await stripe.paymentIntents.retrieve(done.payment_intent as string);
    const types = (await eventTypes(stripe, { limit: 100 })).slice(-4);
    expect(types).toEqual([
      "payment_intent.succeeded",
      "checkout.session.completed",
      "charge.dispute.created",
      "charge.dispute.funds_withdrawn",
    ]);
    const [dispute] = (await stripe.disputes.list({ charge: intent.latest_charge as string })).data;
    expect(dispute?.status).toBe("needs_response");
  });
});
