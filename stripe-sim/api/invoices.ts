import type Stripe from "stripe";
import { customerNow } from "../domain/customer-time.js";
import { z } from "zod";
import { previewInvoice } from "../domain/billing-clock.js";
import { idOf } from "../ids.js";
import { requireCustomer } from "../domain/customers.js";
import {
  createInvoice,
  defaultPaymentMethodFor,
  finalizeInvoice,
  payInvoice,
  pendingInvoiceItems,
  requireInvoice,
  voidInvoice,
} from "../domain/invoices.js";
import { attachPaymentMethod, resolvePaymentMethod } from "../domain/payment-methods.js";
import { requireSubscription } from "../domain/subscriptions.js";
import { errorEnvelope, invalidRequest } from "../http/errors.js";
import { newId } from "../ids.js";
import { previousAttributes } from "../domain/events.js";
import { buildInvoiceItem } from "../objects/invoice.js";
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
import { currency, MAX_AMOUNT, requirePrice, tooLarge } from "./prices.js";
import { retrieveRoute } from "./retrieve.js";

const invoiceCreateParams = withExpand({
  customer: str,
  subscription: str.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  auto_advance: bool.optional(),
  collection_method: z.literal("charge_automatically").optional(),
  default_payment_method: str.optional(),
  pending_invoice_items_behavior: z.enum(["exclude", "include"]).optional(),
  currency: currency.optional(),
});
const invoiceListParams = withExpand({
  ...listShape,
  customer: str.optional(),
  subscription: str.optional(),
  status: z.enum(["draft", "open", "paid", "uncollectible", "void"]).optional(),
  collection_method: str.optional(),
});
const finalizeParams = withExpand({ auto_advance: bool.optional() });
const invoiceUpdateParams = withExpand({
  metadata: metadata.optional(),
  description: str.max(1500).optional(),
  footer: str.max(5000).optional(),
  auto_advance: bool.optional(),
});
const payParams = withExpand({
  payment_method: str.optional(),
  off_session: bool.optional(),
  paid_out_of_band: bool.optional(),
});
const expandOnly = withExpand({});
const previewParams = withExpand({
  customer: str.optional(),
  subscription: str.optional(),
  subscription_details: obj({
    proration_behavior: z.enum(["create_prorations", "none", "always_invoice"]).optional(),
  }).optional(),
});
const itemCreateParams = withExpand({
  customer: str,
  amount: int.optional(),
  currency: currency.optional(),
  description: str.optional(),
  metadata: metadata.optional(),
  price: str.optional(),
  pricing: obj({ price: str }).optional(),
  quantity: int.optional(),
  subscription: str.optional(),
  invoice: str.optional(),
  period: obj({ start: int, end: int }).optional(),
  discountable: bool.optional(),
});
const itemListParams = withExpand({
  ...listShape,
  customer: str.optional(),
  invoice: str.optional(),
  pending: bool.optional(),
});

function requireInvoiceItem(ctx: SimContext, id: string): Stripe.InvoiceItem {
  const item = ctx.store.get("invoiceitems", id);
  if (!item) throw invalidRequest(`No such invoiceitem: '${id}'`, "id", "resource_missing");
  return item;
}

export const invoiceRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/invoiceitems",
    handler: (ctx, req) => {
      const p = parseParams(itemCreateParams, req.params);
      const customer = requireCustomer(ctx, p.customer, "customer");
      const priceId = p.price ?? p.pricing?.price;
      const price = priceId
        ? requirePrice(ctx, priceId, p.price ? "price" : "pricing[price]")
        : null;
      const quantity = p.quantity ?? 1;
      let amount: number;
      if (price) amount = (price.unit_amount ?? 0) * quantity;
      else if (p.amount !== undefined) amount = p.amount;
      else throw invalidRequest("Missing required param: amount.", "amount", "parameter_missing");
      if (Math.abs(amount) > MAX_AMOUNT) throw tooLarge("amount");
      const itemCurrency = price?.currency ?? p.currency;
      if (!itemCurrency)
        throw invalidRequest("Missing required param: currency.", "currency", "parameter_missing");
      if (p.subscription) requireSubscription(ctx, p.subscription, "subscription");
      const now = customerNow(ctx, customer.id);
      const item = buildInvoiceItem(newId("ii"), now, {
        customer: customer.id,
        amount,
        currency: itemCurrency,
        description:
          orNull(p.description) ??
          (price ? (ctx.store.get("products", idOf(price.product) ?? "")?.name ?? null) : null),
        period: p.period ?? { start: now, end: now },
        price,
        quantity,
        proration: false,
        subscription: p.subscription ?? null,
        subscriptionItem: null,
        metadata: mergeMetadata({}, p.metadata),
        testClock: idOf(customer.test_clock),
      });
      ctx.store.insert("invoiceitems", item);
      ctx.events.emit("invoiceitem.created", item, req.origin);
      return ok(expand(ctx, item, p.expand));
    },
  },
  retrieveRoute("/v1/invoiceitems/:id", requireInvoiceItem),
  {
    method: "GET",
    path: "/v1/invoiceitems",
    handler: (ctx, req) => {
      const p = parseParams(itemListParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.invoice !== undefined) filters.push({ path: "$.invoice", value: p.invoice });
      if (p.pending === true) filters.push({ path: "$.invoice", value: null });
      return ok(
        expand(ctx, listObjects(ctx, "invoiceitems", "/v1/invoiceitems", p, filters), p.expand),
      );
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/create_preview",
    handler: (ctx, req) => {
      const p = parseParams(previewParams, req.params);
      if (!p.subscription) {
        throw invalidRequest(
          "stripe-sim previews the next invoice of a subscription: pass `subscription`.",
          "subscription",
        );
      }
      const subscription = requireSubscription(ctx, p.subscription, "subscription");
      if (p.customer && p.customer !== idOf(subscription.customer)) {
        throw invalidRequest("The subscription does not belong to this customer.", "customer");
      }
      if (
        subscription.status === "canceled" ||
        subscription.status === "incomplete_expired" ||
        subscription.cancel_at_period_end
      ) {
        throw invalidRequest(
          `No upcoming invoices for customer: ${idOf(subscription.customer) ?? ""}`,
          undefined,
          "invoice_upcoming_none",
        );
      }
      return ok(expand(ctx, previewInvoice(ctx, subscription), p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/invoices",
    handler: (ctx, req) => {
      const p = parseParams(invoiceCreateParams, req.params);
      const customer = requireCustomer(ctx, p.customer, "customer");
      const subscription = p.subscription
        ? requireSubscription(ctx, p.subscription, "subscription")
        : null;
      const pending =
        p.pending_invoice_items_behavior === "include"
          ? pendingInvoiceItems(ctx, customer.id, subscription?.id ?? null)
          : [];
      const invoiceCurrency = p.currency ?? pending[0]?.currency ?? subscription?.currency ?? "usd";
      const defaultPm = p.default_payment_method
        ? resolvePaymentMethod(ctx, p.default_payment_method, "default_payment_method").id
        : null;
      const invoice = createInvoice(
        ctx,
        {
          customer,
          subscription,
          billingReason: "manual",
          currency: invoiceCurrency,
          lines: [],
          pendingItems: pending.filter((item) => item.currency === invoiceCurrency),
          description: orNull(p.description),
          metadata: mergeMetadata({}, p.metadata),
          autoAdvance: p.auto_advance ?? false,
          defaultPaymentMethod: defaultPm,
        },
        req.origin,
      );
      return ok(expand(ctx, invoice, p.expand));
    },
  },
  retrieveRoute("/v1/invoices/:id", (ctx, id) => requireInvoice(ctx, id)),
  {
    method: "POST",
    path: "/v1/invoices/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(invoiceUpdateParams, req.params);
      const invoice = requireInvoice(ctx, id);
      const editsContent =
        p.description !== undefined || p.footer !== undefined || p.auto_advance !== undefined;
      // As Stripe: a finalized invoice keeps its content; only its metadata still changes.
      if (editsContent && invoice.status !== "draft") {
        throw invalidRequest(
          `You can only update the metadata of a finalized invoice (this one is ${invoice.status ?? "unknown"}).`,
          undefined,
          "invoice_not_editable",
        );
      }
      const updated: Stripe.Invoice = {
        ...invoice,
        metadata: mergeMetadata(invoice.metadata ?? {}, p.metadata),
        ...(p.description !== undefined ? { description: orNull(p.description) } : {}),
        ...(p.footer !== undefined ? { footer: orNull(p.footer) } : {}),
        ...(p.auto_advance !== undefined ? { auto_advance: p.auto_advance } : {}),
      };
      const changed = previousAttributes(invoice, updated);
      if (Object.keys(changed).length > 0) {
        ctx.store.replace("invoices", updated);
        ctx.events.emit("invoice.updated", updated, req.origin, changed);
      }
      return ok(expand(ctx, updated, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/invoices/:id/lines",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(withExpand(listShape), req.params);
      const invoice = requireInvoice(ctx, id);
      const limit = checkLimit(p.limit);
      const lines = invoice.lines.data;
      const start = p.starting_after
        ? lines.findIndex((line) => line.id === p.starting_after) + 1
        : 0;
      const data = lines.slice(start, start + limit);
      return ok(
        expand(
          ctx,
          {
            object: "list",
            data,
            has_more: start + limit < lines.length,
            url: `/v1/invoices/${id}/lines`,
          },
          p.expand,
        ),
      );
    },
  },
  {
    method: "GET",
    path: "/v1/invoices",
    handler: (ctx, req) => {
      const p = parseParams(invoiceListParams, req.params);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.subscription !== undefined)
        filters.push({ path: "$.parent.subscription_details.subscription", value: p.subscription });
      if (p.status !== undefined) filters.push({ path: "$.status", value: p.status });
      return ok(expand(ctx, listObjects(ctx, "invoices", "/v1/invoices", p, filters), p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/finalize",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(finalizeParams, req.params);
      const invoice = requireInvoice(ctx, id);
      const finalized = finalizeInvoice(
        ctx,
        { ...invoice, auto_advance: p.auto_advance ?? invoice.auto_advance ?? false },
        req.origin,
      );
      return ok(expand(ctx, finalized, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/pay",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(payParams, req.params);
      let invoice = requireInvoice(ctx, id);
      // Paying a draft finalizes it first, as Stripe does.
      if (invoice.status === "draft") invoice = finalizeInvoice(ctx, invoice, req.origin);
      if (invoice.status === "paid" && invoice.amount_due === 0)
        return ok(expand(ctx, invoice, p.expand));
      const customerId = idOf(invoice.customer) ?? "";
      let paymentMethodId = defaultPaymentMethodFor(ctx, invoice);
      if (p.payment_method) {
        const paymentMethod = resolvePaymentMethod(ctx, p.payment_method, "payment_method");
        paymentMethodId = (
          paymentMethod.customer
            ? paymentMethod
            : attachPaymentMethod(ctx, paymentMethod, customerId, req.origin)
        ).id;
      }
      const result = payInvoice(ctx, invoice, paymentMethodId, req.origin, {
        offSession: p.off_session ?? false,
        scheduleRetry: false,
      });
      if (result.kind === "failed") {
        return {
          status: 402,
          body: errorEnvelope({
            type: "card_error",
            ...result.error,
            message: result.error.message,
          }),
        };
      }
      if (result.kind === "requires_action") {
        return {
          status: 402,
          body: errorEnvelope({
            type: "card_error",
            code: "invoice_payment_intent_requires_action",
            message:
              "This payment requires additional user action before it can be completed successfully. Payment can be completed using the PaymentIntent associated with the invoice.",
          }),
        };
      }
      return ok(expand(ctx, result.invoice, p.expand));
    },
  },
  {
    method: "POST",
    path: "/v1/invoices/:id/void",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(expandOnly, req.params);
      return ok(expand(ctx, voidInvoice(ctx, requireInvoice(ctx, id), req.origin), p.expand));
    },
  },
];
