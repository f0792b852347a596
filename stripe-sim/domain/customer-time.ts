import type { SimContext } from "../api/context.js";
import { idOf } from "../ids.js";

/** Now for a customer: its test clock's frozen time, else the stand-in's clock. */
export function customerNow(ctx: SimContext, customerId: string | null): number {
  const customer = customerId ? ctx.store.get("customers", customerId) : undefined;
  const clockId = customer && !customer.deleted ? idOf(customer.test_clock) : null;
  const clock = clockId ? ctx.store.get("test_clocks", clockId) : undefined;
  return clock && !clock.deleted ? clock.frozen_time : ctx.clock.nowSeconds();
}
