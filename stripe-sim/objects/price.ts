import type Stripe from "stripe";

export interface PriceFields {
  productId: string;
  currency: string;
  unitAmount: number;
  active: boolean;
  lookupKey: string | null;
  nickname: string | null;
  metadata: Record<string, string>;
  recurring: { interval: Stripe.Price.Recurring.Interval; intervalCount: number } | null;
  taxBehavior: Stripe.Price.TaxBehavior;
}

export function buildPrice(id: string, created: number, fields: PriceFields): Stripe.Price {
  return {
    id,
    object: "price",
    active: fields.active,
    billing_scheme: "per_unit",
    created,
    currency: fields.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: fields.lookupKey,
    metadata: fields.metadata,
    nickname: fields.nickname,
    product: fields.productId,
    recurring: fields.recurring
      ? {
          interval: fields.recurring.interval,
          interval_count: fields.recurring.intervalCount,
          meter: null,
          trial_period_days: null,
          usage_type: "licensed",
        }
      : null,
    tax_behavior: fields.taxBehavior,
    tiers_mode: null,
    transform_quantity: null,
    type: fields.recurring ? "recurring" : "one_time",
    unit_amount: fields.unitAmount,
    unit_amount_decimal: wireDecimal(String(fields.unitAmount)),
  };
}

/**
 * The SDK types decimal fields as its own Decimal class, which it builds from the string that
 * travels on the wire. We produce the wire form, hence the cast.
 */
export function wireDecimal(value: string): Stripe.Decimal {
  return value as unknown as Stripe.Decimal;
}
