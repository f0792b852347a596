import { wordsFor } from "../../app/i18n/words.server";
import { describe, expect, it } from "vitest";
import {
  memberView,
  PAYMENT_RETRY_WINDOW_DAYS,
  subscriptionEmailDates,
  type InvoiceFacts,
  type MemberFacts,
  type PaymentFacts,
  type SubscriptionFacts,
} from "../../app/billing/member-view";
import { memberSummary } from "../../app/billing/member-words.server";

const en = wordsFor("en");
const NOW = new Date("2027-03-01T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

function subscription(overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts {
  return {
    stripe_subscription_id: "sub_1",
    plan: "talent_monthly",
    interval: "month",
    amount: 3000,
    currency: "mad",
    status: "active",
    current_period_end: at(20),
    trial_end: null,
    cancel_at_period_end: 0,
    cancel_at: null,
    canceled_at: null,
    ended_at: null,
    cancellation_reason: null,
    card_brand: "visa",
    card_last4: "4242",
    stripe_created_at: at(-40),
    ...overrides,
  };
}

function invoice(overrides: Partial<InvoiceFacts> = {}): InvoiceFacts {
  return {
    stripe_invoice_id: "in_1",
    stripe_subscription_id: "sub_1",
    number: "ABCD-0001",
    status: "paid",
    amount_due: 3000,
    amount_paid: 3000,
    currency: "mad",
    billing_reason: "subscription_cycle",
    hosted_invoice_url: "https://invoice.example/in_1",
    invoice_pdf: "https://invoice.example/in_1.pdf",
    paid_at: at(-10),
    next_payment_attempt: null,
    stripe_created_at: at(-10),
    ...overrides,
  };
}

function payment(overrides: Partial<PaymentFacts> = {}): PaymentFacts {
  return {
    id: 7,
    plan: "talent_annual_membership",
    amount: 30000,
    currency: "mad",
    status: "paid",
    stripe_invoice_id: null,
    stripe_payment_intent_id: "pi_123",
    access_ends_at: at(300),
    paid_at: at(-65),
    created_at: at(-65),
    card_brand: "visa",
    card_last4: "4242",
    ...overrides,
  };
}

function facts(overrides: Partial<MemberFacts> = {}): MemberFacts {
  return {
    role: "talent",
    access: { subscription_status: "NONE", access_expires_at: null },
    subscriptions: [],
    invoices: [],
    payments: [],
    currency: "MAD",
    now: NOW,
    ...overrides,
  };
}

describe("memberView", () => {
  it("new: no plan, the action is to choose one, nothing to manage", () => {
    const view = memberView(facts());
    expect(view).toMatchObject({
      state: "new",
      nextCharge: null,
      warning: null,
      canManageBilling: false,
      primaryAction: { kind: "choose_plan", href: "/dashboard/talent/payment" },
      history: [],
    });
    expect(memberSummary(en, view)).toMatchObject({
      statusLine: "No plan yet",
      primary: { label: "Choose a plan", method: "get" },
    });
  });

  it("paid once, outside the renewal window: active until the year ends, no next charge, renewal date, card and a receipt", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(300) },
        payments: [payment(), payment({ id: 6, status: "failed", paid_at: null })],
      }),
    );
    expect(view).toMatchObject({
      state: "paid_once",
      until: at(300),
      nextCharge: null,
      renewableFrom: at(270),
      canManageBilling: false,
      card: { brand: "visa", last4: "4242" },
      primaryAction: { kind: "view_billing" },
    });
    const words = memberSummary(en, view);
    expect(words.statusLine).toBe("Active until 26 December 2027");
    expect(words.card).toBe("Visa ending in 4242");
    expect(words.history.map((h) => [h.amount, h.statusLabel, h.reference])).toEqual([
      [
        "MAD\u00a0300.00",
        "Paid",
        { label: "Receipt", href: "/dashboard/talent/billing/receipts/7" },
      ],
      ["MAD\u00a0300.00", "Failed", null],
    ]);
  });

  it("paid once, inside the renewal window: the action is to renew for the price", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(10) },
        payments: [payment({ access_ends_at: at(10) })],
      }),
    );
    expect(view.primaryAction).toEqual({
      kind: "renew",
      href: "/dashboard/talent/payment",
      price: { amount: 30000, currency: "mad" },
    });
    expect(memberSummary(en, view).primary?.label).toBe("Renew for MAD\u00a0300.00");
  });

  it("trialing: the next charge is the plan's price on the trial's last day, and the 0 invoice is not a charge", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(150) },
        subscriptions: [
          subscription({ status: "trialing", trial_end: at(150), current_period_end: at(150) }),
        ],
        invoices: [
          invoice({ amount_due: 0, amount_paid: 0, billing_reason: "subscription_create" }),
        ],
      }),
    );
    expect(view).toMatchObject({
      state: "trialing",
      nextCharge: { amount: 3000, currency: "mad", on: at(150) },
      canManageBilling: true,
      subscribed: true,
      primaryAction: { kind: "manage_billing" },
      history: [],
    });
    const words = memberSummary(en, view);
    expect(words.statusLine).toBe("Free trial until 29 July 2027");
    expect(words.nextCharge).toBe("MAD\u00a030.00 on 29 July 2027");
    expect(JSON.stringify(words)).not.toMatch(/MAD\s0\.00/);
  });

  it("active: renews on the period end and lists every charge, one-time and invoices, newest first", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(20) },
        subscriptions: [subscription()],
        invoices: [
          invoice(),
          invoice({
            stripe_invoice_id: "in_0",
            number: "ABCD-0000",
            billing_reason: "subscription_create",
            paid_at: at(-40),
            stripe_created_at: at(-40),
          }),
          invoice({ stripe_invoice_id: "in_draft", status: "draft", stripe_created_at: at(-1) }),
        ],
        payments: [
          payment({ access_ends_at: at(-70), paid_at: at(-435), created_at: at(-435) }),
          payment({ id: 8, plan: "talent_monthly", amount: 3000 }),
        ],
      }),
    );
    expect(view.state).toBe("active");
    expect(view.nextCharge).toEqual({ amount: 3000, currency: "mad", on: at(20) });
    const words = memberSummary(en, view);
    expect(words.statusLine).toBe("Active, renews on 21 March 2027");
    expect(words.history.map((h) => [h.description, h.reference?.label])).toEqual([
      ["Talent membership, monthly, renewal", "ABCD-0001"],
      ["Talent membership, monthly, first payment", "ABCD-0000"],
      ["Talent annual membership, paid once", "Receipt"],
    ]);
    expect(JSON.stringify(words)).not.toMatch(/cs_|pi_/);
  });

  it("past due: warns with the retry date and the date access stops, update the card first, pay the invoice second", () => {
    const open = invoice({
      stripe_invoice_id: "in_open",
      status: "open",
      amount_paid: 0,
      paid_at: null,
      next_payment_attempt: at(3),
      stripe_created_at: at(-2),
    });
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(28) },
        subscriptions: [subscription({ status: "past_due", current_period_end: at(28) })],
        invoices: [open],
      }),
    );
    expect(view).toMatchObject({
      state: "past_due",
      tone: "bad",
      warning: {
        kind: "payment_failed",
        retryOn: at(3),
        accessStopsOn: at(PAYMENT_RETRY_WINDOW_DAYS - 2),
      },
      primaryAction: { kind: "update_card", href: "/dashboard/talent/billing" },
      secondaryAction: {
        kind: "pay_invoice",
        href: "/dashboard/talent/billing/invoices/in_open",
        price: { amount: 3000, currency: "mad" },
      },
      nextCharge: null,
    });
    const words = memberSummary(en, view);
    expect(words.statusLine).toBe("Payment failed");
    expect(words.warning).toContain("We will try again on 4 March 2027.");
    expect(words.warning).toContain("Your access stops on 14 March 2027");
    expect(words.primary).toMatchObject({ method: "post", intent: "update_card" });
    expect(words.history[0]).toMatchObject({ statusLabel: "Due", amount: "MAD\u00a030.00" });
  });

  it("cancelling: the end date, no next charge, the portal to resume", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(20) },
        subscriptions: [subscription({ cancel_at_period_end: 1, cancel_at: at(20) })],
      }),
    );
    expect(view).toMatchObject({
      state: "cancelling",
      until: at(20),
      nextCharge: null,
      primaryAction: { kind: "manage_billing" },
    });
    expect(memberSummary(en, view).statusLine).toBe("Cancels on 21 March 2027");
  });

  it("cancelled: the end date and Subscribe again; the portal still shows the invoices", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "CANCELLED", access_expires_at: at(-5) },
        subscriptions: [
          subscription({
            status: "canceled",
            cancel_at_period_end: 1,
            cancellation_reason: "cancellation_requested",
            ended_at: at(-5),
          }),
        ],
      }),
    );
    expect(view).toMatchObject({
      state: "cancelled",
      until: at(-5),
      card: null,
      primaryAction: { kind: "subscribe_again", href: "/dashboard/talent/payment" },
      secondaryAction: { kind: "manage_billing" },
    });
    expect(memberSummary(en, view).statusLine).toBe("Cancelled, access ended on 24 February 2027");
  });

  it("expired (a paid year ran out, read through the clock): renew for the annual price", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(-1) },
        payments: [payment({ access_ends_at: at(-1) })],
      }),
    );
    expect(view).toMatchObject({
      state: "expired",
      until: at(-1),
      canManageBilling: false,
      primaryAction: { kind: "renew", price: { amount: 30000, currency: "MAD" } },
    });
    expect(memberSummary(en, view).statusLine).toBe("Expired on 28 February 2027");
  });

  it("refunded: the refunded payment is listed as such and the member chooses a plan again", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "EXPIRED", access_expires_at: at(-1) },
        payments: [payment({ status: "refunded" })],
      }),
    );
    expect(view.state).toBe("refunded");
    expect(view.history[0]?.status).toBe("refunded");
    expect(view.primaryAction?.kind).toBe("choose_plan");
  });

  it("suspended: a disputed payment holds access whatever else runs", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(20) },
        subscriptions: [subscription()],
        suspendedSince: at(-1),
      }),
    );
    expect(view).toMatchObject({ state: "suspended", tone: "bad", nextCharge: null });
    expect(memberSummary(en, view).warning).toMatch(/disputed/);
  });

  it("incomplete: the open invoice is the action", () => {
    const view = memberView(
      facts({
        subscriptions: [subscription({ status: "incomplete" })],
        invoices: [invoice({ status: "open", amount_paid: 0, paid_at: null })],
      }),
    );
    expect(view).toMatchObject({
      state: "incomplete",
      primaryAction: { kind: "pay_invoice", href: "/dashboard/talent/billing/invoices/in_1" },
    });
  });

  it("a one-time payment with its own invoice is listed once, by its invoice number", () => {
    const view = memberView(
      facts({
        access: { subscription_status: "ACTIVE", access_expires_at: at(300) },
        invoices: [
          invoice({
            stripe_invoice_id: "in_once",
            stripe_subscription_id: null,
            amount_paid: 30000,
          }),
        ],
        payments: [payment({ stripe_invoice_id: "in_once" })],
      }),
    );
    expect(view.history).toHaveLength(1);
    expect(view.history[0]).toMatchObject({
      kind: "paid_once",
      number: "ABCD-0001",
      planName: "Talent annual membership",
    });
  });
});

describe("subscriptionEmailDates", () => {
  it("gives the next charge of a renewing plan, none of a cancelling one", () => {
    expect(subscriptionEmailDates(subscription(), [], "talent", NOW)).toEqual({
      nextChargeOn: at(20),
      retryOn: null,
      accessStopsOn: null,
    });
    expect(
      subscriptionEmailDates(subscription({ cancel_at_period_end: 1 }), [], "talent", NOW)
        .nextChargeOn,
    ).toBeNull();
  });

  it("gives the retry date and the date access stops after a failed payment", () => {
    const dates = subscriptionEmailDates(
      subscription({ status: "past_due", current_period_end: at(28) }),
      [
        invoice({
          status: "open",
          paid_at: null,
          next_payment_attempt: at(3),
          stripe_created_at: at(-2),
        }),
      ],
      "talent",
      NOW,
    );
    expect(dates).toEqual({
      nextChargeOn: null,
      retryOn: at(3),
      accessStopsOn: at(PAYMENT_RETRY_WINDOW_DAYS - 2),
    });
  });
});
