import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, clockCustomer, DAY, monthlyPrice } from "../support/stand-in";
import type { SimHarness } from "../support/stand-in";

import { extractFieldTypes, readFieldTypes } from "../tools/fixture-field-types.js";
import { sdkFieldsByObject } from "../tools/sdk-fields.js";

/**
 * Field names and JSON types of Stripe's own example objects (openapi fixtures3.json), the
 * reference: the table the repository keeps, checked against the fixtures where they are given.
 */
const fixtures = readFieldTypes();

let h: SimHarness;
let stripe: Stripe;

beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
});
afterAll(async () => {
  await h.cleanup();
});

function jsonType(value: unknown): string {
  if (value === null) return "null";
  // The SDK turns decimal strings from the wire into its Decimal class.
  if (typeof value === "object" && value.constructor.name.startsWith("Decimal")) return "string";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * Every top-level field of the fixture is present, with the fixture's JSON type. null on either
 * side is accepted (the fixture or the object shows a nullable field unset), and an id string may
 * stand where the fixture shows an expanded object.
 */
function mismatches(resource: string, object: Record<string, unknown>): string[] {
  const fixture = fixtures[resource];
  if (!fixture) throw new Error(`no fixture for ${resource}`);
  const problems: string[] = [];
  const declared = sdkFieldsByObject().get(resource);
  for (const [key, want] of Object.entries(fixture)) {
    // A field the pinned API version dropped (invoice.subscription) must not be there at all.
    if (declared && !declared.has(key)) {
      if (key in object) problems.push(`${resource}.${key} was dropped by the pinned API version`);
      continue;
    }
    if (!(key in object)) {
      problems.push(`${resource}.${key} is missing`);
      continue;
    }
    const actual = object[key];
    const got = jsonType(actual);
    if (want === "null" || got === "null" || want === got) continue;
    if (want === "object" && got === "string" && /^[a-z]+_/.test(String(actual))) continue;
    problems.push(`${resource}.${key} is ${got}, Stripe's is ${want}`);
  }
  return problems;
}

describe("billing objects carry every top-level field of Stripe's fixtures", () => {
  it("keeps the field table the fixtures give (where ../shared/stripe-reference is present)", () => {
    const fresh = extractFieldTypes();
    if (fresh) expect(readFieldTypes()).toEqual(fresh);
    expect(Object.keys(fixtures)).toHaveLength(8);
    expect(fixtures.subscription?.items).toBe("object");
  });

  it("subscription, subscription_item, invoice, line_item, invoiceitem, portal session and configuration, test clock", async () => {
    const start = Date.UTC(2026, 2, 1) / 1000;
    const { clock, customer } = await clockCustomer(stripe, start);
    const price = await monthlyPrice(stripe);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 3,
    });
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 500,
      currency: "mad",
      description: "Headshot review",
    });
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    const configuration = await stripe.billingPortal.configurations.create({
      features: {
        invoice_history: { enabled: true },
        subscription_cancel: { enabled: true, mode: "at_period_end" },
      },
      business_profile: { headline: "Talents Acting" },
    });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "http://app.test/account",
      configuration: configuration.id,
    });
    const advanced = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: start + DAY,
    });

    const problems = [
      ...mismatches("subscription", subscription as unknown as Record<string, unknown>),
      ...mismatches(
        "subscription_item",
        subscription.items.data[0] as unknown as Record<string, unknown>,
      ),
      ...mismatches("invoice", invoice as unknown as Record<string, unknown>),
      ...mismatches("line_item", invoice.lines.data[0] as unknown as Record<string, unknown>),
      ...mismatches("invoiceitem", item as unknown as Record<string, unknown>),
      ...mismatches(
        "billing_portal.configuration",
        configuration as unknown as Record<string, unknown>,
      ),
      ...mismatches("billing_portal.session", session as unknown as Record<string, unknown>),
      ...mismatches("test_helpers.test_clock", advanced as unknown as Record<string, unknown>),
    ];
    expect(problems).toEqual([]);
    // The check itself can fail: a field Stripe has and an object lacks is reported.
    expect(mismatches("test_helpers.test_clock", { id: "clock_x" })).toContain(
      "test_helpers.test_clock.frozen_time is missing",
    );
  });
});
