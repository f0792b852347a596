import type Stripe from "stripe";
import { z } from "zod";
import {
  endTrialWithoutPaymentMethod,
  resumeSubscription,
  runBilling,
} from "../domain/billing-clock.js";
import { idOf } from "../ids.js";
import { withCancelAtPeriodEnd, withRenewal } from "../domain/cancellation.js";
import { requireCustomer } from "../domain/customers.js";
import { customerNow } from "../domain/customer-time.js";
import { attachPaymentMethod, resolvePaymentMethod } from "../domain/payment-methods.js";
import { saveSubscription } from "../domain/subscription-status.js";
import {
  cancelNow,
  changeItems,
  createSubscription,
  invoiceNow,
  periodLine,
  prorationItem,
  requireSubscription,
} from "../domain/subscriptions.js";
import { addIntervals } from "../domain/periods.js";
import type { ItemChange, ItemInput } from "../domain/subscriptions.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { checkLimit, listObjects } from "./list.js";
import {
  bool,
  int,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  orNull,
  parseParams,
  str,
  withExpand,
} from "./params.js";
import { requirePrice } from "./prices.js";
import { retrieveRoute } from "./retrieve.js";

const DAY = 24 * 60 * 60;
/** Stripe caps trials at two years. */
const MAX_TRIAL_DAYS = 730;

const itemParam = obj({
  id: str.optional(),
  price: str.optional(),
  quantity: int.optional(),
  metadata: metadata.optional(),
  deleted: bool.optional(),
  clear_usage: bool.optional(),
});

const paymentBehavior = z.enum([
  "allow_incomplete",
  "default_incomplete",
  "error_if_incomplete",
  "pending_if_incomplete",
]);
const prorationBehavior = z.enum(["create_prorations", "none", "always_invoice"]);
const trialEnd = z.union([z.literal("now"), int]);
const cancellationDetails = obj({
  comment: str.optional(),
  feedback: z
    .enum([
      "customer_service",
      "low_quality",
      "missing_features",
      "other",
      "switched_service",
      "too_complex",
      "too_expensive",
      "unused",
      "",
    ])
    .optional(),
});

const createParams = withExpand({
  customer: str,
  items: z.array(itemParam),
  trial_period_days: int.optional(),
  trial_end: trialEnd.optional(),
  trial_from_plan: bool.optional(),
  default_payment_method: str.optional(),
  payment_behavior: paymentBehavior.optional(),
  metadata: metadata.optional(),
  description: str.optional(),
  cancel_at_period_end: bool.optional(),
  collection_method: z.literal("charge_automatically").optional(),
  proration_behavior: prorationBehavior.optional(),
  off_session: bool.optional(),
  currency: str.optional(),
  payment_settings: obj({
    save_default_payment_method: z.enum(["off", "on_subscription"]).optional(),
  }).optional(),
  trial_settings: obj({
    end_behavior: obj({ missing_payment_method: z.enum(["cancel", "create_invoice", "pause"]) }),
  }).optional(),
});

const updateParams = withExpand({
  items: z.array(itemParam).optional(),
  proration_behavior: prorationBehavior.optional(),
  trial_end: trialEnd.optional(),
  default_payment_method: str.optional(),
  metadata: metadata.optional(),
  description: str.optional(),
  cancel_at_period_end: bool.optional(),
  cancel_at: z.union([int, z.literal("")]).optional(),
  cancellation_details: cancellationDetails.optional(),
  payment_behavior: paymentBehavior.optional(),
  off_session: bool.optional(),
});

const cancelParams = withExpand({
  invoice_now: bool.optional(),
  prorate: bool.optional(),
  cancellation_details: cancellationDetails.optional(),
});

const listParams = withExpand({
  ...listShape,
  customer: str.optional(),
  price: str.optional(),
  status: z
    .enum([
      "active",
      "all",
      "canceled",
      "ended",
      "incomplete",
      "incomplete_expired",
      "past_due",
      "paused",
      "trialing",
      "unpaid",
    ])
    .optional(),
  test_clock: str.optional(),
});

function resolveItems(ctx: SimContext, items: z.output<typeof itemParam>[]): ItemInput[] {
  if (items.length === 0)
    throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
  return items.map((item, index) => {
    if (!item.price)
      throw invalidRequest(
        `Missing required param: items[${index}][price].`,
        `items[${index}][price]`,
        "parameter_missing",
      );
    const price = requirePrice(ctx, item.price, `items[${index}][price]`);
    if (!price.active)
      throw invalidRequest(
        "The price specified is inactive. This field only accepts active prices.",
        `items[${index}][price]`,
      );
    const quantity = item.quantity ?? 1;
    if (quantity < 1) throw invalidRequest("Invalid positive integer", `items[${index}][quantity]`);
    return { price, quantity, metadata: mergeMetadata({}, item.metadata) };
  });
}

function resolveDefaultPaymentMethod(
  ctx: SimContext,
  customerId: string,
  id: string | undefined,
  origin: Stripe.Event.Request,
): string | null {
  if (!id) return null;
  const paymentMethod = resolvePaymentMethod(ctx, id, "default_payment_method");
  if (paymentMethod.customer !== customerId) {
    if (paymentMethod.customer) {
      throw invalidRequest(
        "The payment method must be attached to the customer.",
        "default_payment_method",
      );
    }
    // Magic test ids are attached on the fly; a real pm_ must already belong to the customer.
    if (id.startsWith("pm_card_") || id.startsWith("tok_"))
      return attachPaymentMethod(ctx, paymentMethod, customerId, origin).id;
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
      "default_payment_method",
      "resource_missing",
    );
  }
  return paymentMethod.id;
}

/** Runs what became due for the customer's clock right away (a trial shorter than three days warns at once). */
export function settleDue(ctx: SimContext, subscription: Stripe.Subscription): void {
  if (idOf(subscription.test_clock)) {
    const clockId = idOf(subscription.test_clock) ?? "";
    const clock = ctx.store.get("test_clocks", clockId);
    if (clock && !clock.deleted) runBilling(ctx, clockId, clock.frozen_time, () => undefined);
  } else {
    runBilling(ctx, null, ctx.clock.nowSeconds(), () => undefined);
  }
}

function trialEndFrom(
  p: { trial_end?: number | "now" | undefined; trial_period_days?: number | undefined },
  now: number,
): number | null {
  if (p.trial_end !== undefined && p.trial_period_days !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: trial_end, trial_period_days.",
      "trial_end",
    );
  }
  if (p.trial_period_days !== undefined) {
    if (p.trial_period_days < 0 || p.trial_period_days > MAX_TRIAL_DAYS) {
      throw invalidRequest(
        `The maximum number of trial period days is ${MAX_TRIAL_DAYS}.`,
        "trial_period_days",
      );
    }
    return p.trial_period_days === 0 ? null : now + p.trial_period_days * DAY;
  }
  if (p.trial_end === undefined || p.trial_end === "now") return null;
  if (p.trial_end <= now)
    throw invalidRequest(
      "Invalid timestamp: must be an integer Unix timestamp in the future.",
      "trial_end",
    );
  if (p.trial_end > now + MAX_TRIAL_DAYS * DAY)
    throw invalidRequest(
      `The maximum number of trial period days is ${MAX_TRIAL_DAYS}.`,
      "trial_end",
    );
  return p.trial_end;
}

const itemListParams = withExpand({ ...listShape, subscription: str });

function findSubscriptionItem(ctx: SimContext, id: string): Stripe.SubscriptionItem {
  const where = {
    sql: "EXISTS (SELECT 1 FROM json_each(json_extract(data, '$.items.data')) WHERE json_extract(value, '$.id') = ?)",
    args: [id],
  };
  const subscription = ctx.store.list("subscriptions", { limit: 1, where }).data[0];
  const item = subscription?.items.data.find((candidate) => candidate.id === id);
  if (!item) throw noSuch("subscription_item", id);
  return item;
}

const resumeParams = withExpand({
  // An object ({type}) in the pinned API version, a plain string in older ones.
  billing_cycle_anchor: z
    .union([z.enum(["now", "unchanged"]), obj({ type: z.enum(["now", "unchanged"]) })])
    .optional(),
  proration_behavior: z.enum(["always_invoice", "create_prorations", "none"]).optional(),
  proration_date: int.optional(),
  payment_behavior: z.enum(["resume_on_payment_attempt", "resume_on_payment_success"]).optional(),
});

export const subscriptionRoutes: ApiRoute[] = [
  retrieveRoute("/v1/subscription_items/:id", findSubscriptionItem),
  {
    method: "GET",
    path: "/v1/subscription_items",
    handler: (ctx, req) => {
      const p = parseParams(itemListParams, req.params);
      const subscription = requireSubscription(ctx, p.subscription, "subscription");
      const limit = checkLimit(p.limit);
      const items = subscription.items.data;
      const start = p.starting_after
        ? items.findIndex((item) => item.id === p.starting_after) + 1
        : 0;
      const data = items.slice(start, start + limit);
      const list = {
        object: "list",
        data,
        has_more: start + limit < items.length,
        url: "/v1/subscription_items",
      };
      return ok(expand(ctx, list, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/subscriptions",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      const customer = requireCustomer(ctx, p.customer, "customer");
      const items = resolveItems(ctx, p.items);
      if (p.payment_behavior === "pending_if_incomplete") {
        throw invalidRequest(
          "payment_behavior=pending_if_incomplete is only supported when updating a subscription.",
          "payment_behavior",
        );
      }
      const now = customerNow(ctx, customer.id);
      const subscription = createSubscription(
        ctx,
        {
          customer,
          items,
          trialEnd: trialEndFrom(p, now),
          defaultPaymentMethod: resolveDefaultPaymentMethod(
            ctx,
            customer.id,
            p.default_payment_method,
            req.origin,
          ),
          paymentBehavior: p.payment_behavior ?? "allow_incomplete",
          metadata: mergeMetadata({}, p.metadata),
          description: orNull(p.description),
          cancelAtPeriodEnd: p.cancel_at_period_end ?? false,
          missingPaymentMethod:
            p.trial_settings?.end_behavior.missing_payment_method ?? "create_invoice",
        },
        req.origin,
      );
      settleDue(ctx, subscription);
      return ok(
        expand(ctx, ctx.store.get("subscriptions", subscription.id) ?? subscription, p.expand),
      );
    },
  },
  retrieveRoute("/v1/subscriptions/:id", requireSubscription),
  {
    method: "POST",
    path: "/v1/subscriptions/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(updateParams, req.params);
      let subscription = requireSubscription(ctx, id);
      if (subscription.status === "canceled" || subscription.status === "incomplete_expired") {
        throw invalidRequest(
          `A canceled subscription can only update its cancellation_details and metadata.`,
          undefined,
          "subscription_canceled",
        );
      }
      const customerId = idOf(subscription.customer) ?? "";
      const now = customerNow(ctx, customerId);
      const before = subscription;
      let next: Stripe.Subscription = {
        ...subscription,
        metadata: mergeMetadata(subscription.metadata, p.metadata),
      };
      if (p.description !== undefined) next.description = orNull(p.description);
      if (p.default_payment_method !== undefined) {
        next.default_payment_method =
          p.default_payment_method === ""
            ? null
            : resolveDefaultPaymentMethod(ctx, customerId, p.default_payment_method, req.origin);
      }
      if (p.cancel_at_period_end !== undefined) {
        next = p.cancel_at_period_end ? withCancelAtPeriodEnd(next, now) : withRenewal(next);
      }
      if (p.cancel_at !== undefined) {
        if (p.cancel_at !== "" && p.cancel_at <= now)
          throw invalidRequest("cancel_at must be in the future.", "cancel_at");
        next =
          p.cancel_at === ""
            ? { ...next, cancel_at: null, canceled_at: null }
            : { ...next, cancel_at: p.cancel_at, canceled_at: now };
      }
      if (p.cancellation_details) {
        next.cancellation_details = {
          comment:
            p.cancellation_details.comment !== undefined
              ? orNull(p.cancellation_details.comment)
              : (next.cancellation_details?.comment ?? null),
          feedback:
            p.cancellation_details.feedback !== undefined
              ? p.cancellation_details.feedback || null
              : (next.cancellation_details?.feedback ?? null),
          feedback_option: null,
          reason: next.cancellation_details?.reason ?? null,
        };
      }
      subscription = saveSubscription(ctx, before, next, req.origin);
      if (p.items) {
        const changes: ItemChange[] = p.items.map((item, index) => ({
          id: item.id ?? null,
          price: item.price ? requirePrice(ctx, item.price, `items[${index}][price]`) : null,
          quantity: item.quantity ?? null,
          deleted: item.deleted ?? false,
        }));
        subscription = changeItems(
          ctx,
          subscription,
          changes,
          p.proration_behavior ?? "create_prorations",
          req.origin,
        );
      }
      if (p.trial_end !== undefined) {
        if (p.trial_end === "now") {
          if (subscription.status === "trialing") {
            subscription = endTrialNow(ctx, subscription, now, req.origin);
          }
        } else {
          if (p.trial_end <= now)
            throw invalidRequest(
              "Invalid timestamp: must be an integer Unix timestamp in the future.",
              "trial_end",
            );
          const extended: Stripe.Subscription = {
            ...subscription,
            status: "trialing",
            trial_end: p.trial_end,
            trial_start: subscription.trial_start ?? now,
            billing_cycle_anchor: p.trial_end,
            items: {
              ...subscription.items,
              data: subscription.items.data.map((item) => ({
                ...item,
                current_period_end: p.trial_end as number,
              })),
            },
          };
          subscription = saveSubscription(ctx, subscription, extended, req.origin);
        }
      }
      settleDue(ctx, subscription);
      return ok(expand(ctx, ctx.store.get("subscriptions", id) ?? subscription, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/subscriptions/:id/resume",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(resumeParams, req.params);
      const subscription = requireSubscription(ctx, id);
      if (subscription.status !== "paused") {
        throw invalidRequest(
          `Only a subscription with status \`paused\` can be resumed; this one is ${subscription.status}.`,
        );
      }
      const now = customerNow(ctx, idOf(subscription.customer));
      const resumed = resumeSubscription(ctx, subscription, now, req.origin);
      return ok(expand(ctx, ctx.store.get("subscriptions", id) ?? resumed, p.expand));
    },
  },
  {
    method: "DELETE",
    path: "/v1/subscriptions/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(cancelParams, req.params);
      const subscription = requireSubscription(ctx, id);
      const canceled = cancelNow(ctx, subscription, "cancellation_requested", req.origin, {
        comment: orNull(p.cancellation_details?.comment),
        feedback: p.cancellation_details?.feedback || null,
      });
      // prorate: credit the unused part of the period (a pending item, or invoiced now with invoice_now).
      if (p.prorate && subscription.status !== "trialing") {
        const now = customerNow(ctx, idOf(subscription.customer));
        for (const item of subscription.items.data)
          prorationItem(ctx, canceled, item, item.price, item.quantity ?? 1, now, -1, req.origin);
      }
      if (p.invoice_now) invoiceNow(ctx, canceled, "subscription_update", [], req.origin);
      return ok(expand(ctx, ctx.store.get("subscriptions", id) ?? canceled, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/subscriptions",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.test_clock !== undefined) filters.push({ path: "$.test_clock", value: p.test_clock });
      // Stripe's default list leaves out canceled subscriptions; `all` includes them, `ended` means canceled or expired.
      if (p.status === undefined)
        filters.push({
          path: "$.status",
          value: ["trialing", "active", "past_due", "unpaid", "incomplete", "paused"],
        });
      else if (p.status === "ended")
        filters.push({ path: "$.status", value: ["canceled", "incomplete_expired"] });
      else if (p.status !== "all") filters.push({ path: "$.status", value: p.status });
      const where = p.price
        ? {
            sql: "EXISTS (SELECT 1 FROM json_each(json_extract(data, '$.items.data')) WHERE json_extract(value, '$.price.id') = ?)",
            args: [p.price],
          }
        : undefined;
      return ok(
        expand(
          ctx,
          listObjects(ctx, "subscriptions", "/v1/subscriptions", p, filters, where),
          p.expand,
        ),
      );
    },
  },
];

/** trial_end=now: the trial stops, a new cycle starts now and is invoiced at once. */
function endTrialNow(
  ctx: SimContext,
  subscription: Stripe.Subscription,
  now: number,
  origin: Stripe.Event.Request,
): Stripe.Subscription {
  const recurring = subscription.items.data[0]?.price.recurring;
  if (!recurring) return subscription;
  const left = endTrialWithoutPaymentMethod(ctx, { ...subscription, trial_end: now }, origin);
  if (left) return left;
  const end = addIntervals(now, recurring.interval, recurring.interval_count);
  const next: Stripe.Subscription = {
    ...subscription,
    status: "active",
    trial_end: now,
    billing_cycle_anchor: now,
    items: {
      ...subscription.items,
      data: subscription.items.data.map((item) => ({
        ...item,
        current_period_start: now,
        current_period_end: end,
      })),
    },
  };
  const saved = saveSubscription(ctx, subscription, next, origin);
  return invoiceNow(
    ctx,
    saved,
    "subscription_update",
    saved.items.data.map((item) => periodLine(ctx, saved, item)),
    origin,
  );
}
