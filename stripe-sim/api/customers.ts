import type Stripe from "stripe";
import { createCustomer } from "../domain/customers.js";
import { cancelNow } from "../domain/subscriptions.js";
import { previousAttributes } from "../domain/events.js";
import { attachPaymentMethod, resolvePaymentMethod } from "../domain/payment-methods.js";
import { noSuch } from "../http/errors.js";
import { fullAddress } from "../objects/customer.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  address,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  orNull,
  parseParams,
  shipping,
  str,
  stringList,
  withExpand,
} from "./params.js";
import { retrieveRoute } from "./retrieve.js";
import { requireTestClock } from "./test-clocks.js";

const customerShape = {
  email: str.optional(),
  name: str.optional(),
  description: str.optional(),
  phone: str.optional(),
  metadata: metadata.optional(),
  address: address.optional(),
  shipping: shipping.optional(),
  preferred_locales: stringList.optional(),
  payment_method: str.optional(),
  invoice_settings: obj({ default_payment_method: str.optional() }).optional(),
};

const createParams = withExpand({ ...customerShape, test_clock: str.optional() });
const { payment_method: _attachOnlyOnCreate, ...updateShape } = customerShape;
const updateParams = withExpand(updateShape);
const listParams = withExpand({ ...listShape, email: str.optional() });

function requireCustomerById(
  ctx: SimContext,
  id: string,
): Stripe.Customer | Stripe.DeletedCustomer {
  const customer = ctx.store.get("customers", id);
  if (!customer) throw noSuch("customer", id);
  return customer;
}

export const customerRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/customers",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      const paymentMethod = p.payment_method
        ? resolvePaymentMethod(ctx, p.payment_method, "payment_method")
        : undefined;
      const testClock = p.test_clock
        ? requireTestClock(ctx, p.test_clock, "test_clock")
        : undefined;
      const customer = createCustomer(
        ctx,
        {
          email: orNull(p.email),
          name: orNull(p.name),
          description: orNull(p.description),
          phone: orNull(p.phone),
          metadata: mergeMetadata({}, p.metadata),
          address: p.address ? fullAddress(p.address) : null,
          shipping: p.shipping
            ? {
                ...p.shipping,
                address: fullAddress(p.shipping.address),
                phone: p.shipping.phone ?? null,
              }
            : null,
          preferredLocales: p.preferred_locales ?? [],
          defaultPaymentMethod: null,
          testClock: testClock?.id ?? null,
        },
        req.origin,
        testClock?.frozen_time,
      );
      let result: Stripe.Customer = customer;
      if (paymentMethod) attachPaymentMethod(ctx, paymentMethod, customer.id, req.origin);
      const defaultPm = p.invoice_settings?.default_payment_method;
      if (defaultPm) {
        const pmId =
          defaultPm === p.payment_method && paymentMethod
            ? paymentMethod.id
            : resolvePaymentMethod(ctx, defaultPm, "invoice_settings[default_payment_method]").id;
        result = {
          ...customer,
          invoice_settings: { ...customer.invoice_settings, default_payment_method: pmId },
        };
        ctx.store.replace("customers", result);
      }
      return ok(expand(ctx, result, p.expand));
    },
  },
  retrieveRoute("/v1/customers/:id", requireCustomerById),
  {
    method: "POST",
    path: "/v1/customers/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      const before = requireCustomerById(ctx, id);
      if (before.deleted) throw noSuch("customer", id);
      const defaultPm = p.invoice_settings?.default_payment_method;
      const after: Stripe.Customer = {
        ...before,
        ...(p.email !== undefined ? { email: orNull(p.email) } : {}),
        ...(p.name !== undefined ? { name: orNull(p.name) } : {}),
        ...(p.description !== undefined ? { description: orNull(p.description) } : {}),
        ...(p.phone !== undefined ? { phone: orNull(p.phone) } : {}),
        ...(p.address !== undefined ? { address: fullAddress(p.address) } : {}),
        ...(p.shipping !== undefined
          ? {
              shipping: {
                ...p.shipping,
                address: fullAddress(p.shipping.address),
                phone: p.shipping.phone ?? null,
              },
            }
          : {}),
        ...(p.preferred_locales !== undefined ? { preferred_locales: p.preferred_locales } : {}),
        ...(defaultPm !== undefined
          ? {
              invoice_settings: {
                ...before.invoice_settings,
                default_payment_method:
                  defaultPm === ""
                    ? null
                    : resolvePaymentMethod(
                        ctx,
                        defaultPm,
                        "invoice_settings[default_payment_method]",
                      ).id,
              },
            }
          : {}),
        metadata: mergeMetadata(before.metadata, p.metadata),
      };
      const changed = previousAttributes(before, after);
      if (Object.keys(changed).length > 0) {
        ctx.store.replace("customers", after);
        ctx.events.emit("customer.updated", after, req.origin, changed);
      }
      return ok(expand(ctx, after, p.expand));
    },
  },
  {
    method: "DELETE",
    path: "/v1/customers/:id",
    handler: (ctx, req, [id = ""]) => {
      parseParams(obj({}), req.params);
      const customer = requireCustomerById(ctx, id);
      if (customer.deleted) throw noSuch("customer", id);
      // Stripe cancels a deleted customer's subscriptions at once.
      const live = ctx.store.list("subscriptions", {
        limit: 1000,
        filters: [
          { path: "$.customer", value: id },
          { path: "$.status", value: ["trialing", "active", "past_due", "unpaid", "incomplete"] },
        ],
      }).data;
      for (const subscription of live)
        cancelNow(ctx, subscription, "cancellation_requested", req.origin);
      const deleted: Stripe.DeletedCustomer = { id, object: "customer", deleted: true };
      ctx.store.replace("customers", deleted);
      ctx.events.emit("customer.deleted", customer, req.origin);
      return ok(deleted);
    },
  },
  {
    method: "GET",
    path: "/v1/customers",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [{ path: "$.deleted", value: null }];
      if (p.email !== undefined) filters.push({ path: "$.email", value: p.email });
      return ok(expand(ctx, listObjects(ctx, "customers", "/v1/customers", p, filters), p.expand));
    },
  },
];
