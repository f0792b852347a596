// Values the staff pages' components read as well as their loaders: kept out of the *.server
// modules so the browser bundle can import them.

export const MEMBERS_PAGE_SIZE = 50;
export const MAX_SEARCH = 100;
export const STATUSES = ["NONE", "ACTIVE", "EXPIRED", "CANCELLED"] as const;
export const REVENUE_CURRENCY = "mad";
export const PAYMENT_STATUSES = [
  "pending",
  "paid",
  "failed",
  "expired",
  "canceled",
  "refunded",
] as const;
export const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"] as const;
