import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { noSuch } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildCustomer } from "../objects/customer.js";
import type { CustomerFields } from "../objects/customer.js";

export function createCustomer(
  ctx: SimContext,
  fields: CustomerFields,
  origin: EventOrigin,
  created = ctx.clock.nowSeconds(),
): Stripe.Customer {
  const customer = buildCustomer(newId("cus"), created, fields);
  ctx.store.insert("customers", customer);
  ctx.events.emit("customer.created", customer, origin);
  return customer;
}

/** A live (not deleted) customer named by a parameter, or Stripe's 400 resource_missing. */
export function requireCustomer(ctx: SimContext, id: string, param: string): Stripe.Customer {
  const customer = ctx.store.get("customers", id);
  if (!customer || customer.deleted) throw noSuch("customer", id, param);
  return customer;
}
