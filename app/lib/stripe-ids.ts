/**
 * The id behind one of Stripe's expandable fields (`customer`, `invoice`, `payment_intent` ...):
 * the string itself when not expanded, the object's id when expanded, null when absent.
 */
export function expandableId(value: string | { id: string } | null | undefined): string | null {
  return value == null ? null : typeof value === "string" ? value : value.id;
}
