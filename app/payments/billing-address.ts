// The billing address a buyer gave on Stripe's page, as kept on the payment (payments.
// billing_address, JSON of Stripe's address fields), read back by the member's pages.

export interface BillingAddress {
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
}

/** A stored billing_address, or null when it is missing or not what this module wrote. */
export function parseBillingAddress(json: string | null): BillingAddress | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    const field = (key: string) => (typeof value[key] === "string" ? (value[key] as string) : null);
    return {
      line1: field("line1"),
      line2: field("line2"),
      postal_code: field("postal_code"),
      city: field("city"),
      state: field("state"),
      country: field("country"),
    };
  } catch {
    return null;
  }
}
