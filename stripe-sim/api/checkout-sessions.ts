import type Stripe from "stripe";
import { z } from "zod";
import { requireCustomer } from "../domain/customers.js";
import { expireSession, requireSession, sweepExpiredSessions } from "../domain/checkout.js";
import { invalidRequest, missingParam } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildCheckoutSession, buildLineItem } from "../objects/checkout-session.js";
import { fullAddress } from "../objects/customer.js";
import type { JsonFilter } from "../store/objects.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { checkLimit, listObjects } from "./list.js";
import {
  bool,
  checkPaymentMethodTypes,
  int,
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
import { checkSameInterval } from "../domain/subscriptions.js";
import { sessionBillingKey } from "../domain/checkout-billing.js";
import type { SessionBillingSettings } from "../domain/checkout-billing.js";
import { MAX_AMOUNT, createPrice, currency, requirePrice, unitAmountOf } from "./prices.js";
import { createProduct, requireProduct } from "./products.js";

/** The locales Stripe's Checkout takes (the SDK's Checkout.Session.Locale). */
const CHECKOUT_LOCALES = [
  "auto",
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-GB",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hi-IN",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] as const;

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
const MAX_LINE_ITEMS = 100;
const MAX_QUANTITY = 999_999;

const MAX_URL_LENGTH = 5000;

function isAbsoluteHttpUrl(value: string): boolean {
  // WHATWG parsing alone would accept "http:notaurl" as http://notaurl/, so the scheme and // are required.
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}

/**
 * success_url / cancel_url: absolute http(s) URLs as Stripe requires; `{CHECKOUT_SESSION_ID}` is
 * a valid path or query part, so it passes. "" keeps meaning "unset" (null), as elsewhere.
 */
const redirectUrl = str.superRefine((value, ctx) => {
  if (value === "") return;
  if (value.length > MAX_URL_LENGTH) {
    ctx.addIssue({
      code: "custom",
      message: `Invalid URL: URL must be ${MAX_URL_LENGTH} characters or less.`,
      params: { code: "url_invalid" },
    });
  } else if (!isAbsoluteHttpUrl(value)) {
    ctx.addIssue({ code: "custom", message: "Not a valid URL", params: { code: "url_invalid" } });
  }
});

const lineItem = obj({
  price: str.optional(),
  price_data: obj({
    currency,
    unit_amount: int.optional(),
    unit_amount_decimal: str.optional(),
    product: str.optional(),
    product_data: obj({
      name: str,
      description: str.optional(),
      images: stringList.optional(),
      metadata: metadata.optional(),
      tax_code: str.optional(),
    }).optional(),
    recurring: obj({
      interval: z.enum(["day", "week", "month", "year"]),
      interval_count: int.optional(),
    }).optional(),
    tax_behavior: z.enum(["exclusive", "inclusive", "unspecified"]).optional(),
  }).optional(),
  quantity: int.optional(),
  metadata: metadata.optional(),
  adjustable_quantity: obj({
    enabled: bool,
    minimum: int.optional(),
    maximum: int.optional(),
  }).optional(),
  tax_rates: stringList.optional(),
});

const createParams = withExpand({
  mode: z.enum(["payment", "setup", "subscription"]),
  line_items: z.array(lineItem).optional(),
  customer: str.optional(),
  customer_email: str.optional(),
  customer_creation: z.enum(["always", "if_required"]).optional(),
  customer_update: obj({
    address: z.enum(["auto", "never"]).optional(),
    name: z.enum(["auto", "never"]).optional(),
    shipping: z.enum(["auto", "never"]).optional(),
  }).optional(),
  client_reference_id: str.max(200).optional(),
  metadata: metadata.optional(),
  success_url: redirectUrl.optional(),
  cancel_url: redirectUrl.optional(),
  expires_at: int.optional(),
  payment_method_types: stringList.optional(),
  allowed_payment_method_types: stringList.optional(),
  excluded_payment_method_types: stringList.optional(),
  payment_method_collection: z.enum(["always", "if_required"]).optional(),
  payment_intent_data: obj({
    description: str.optional(),
    metadata: metadata.optional(),
    shipping: shipping.optional(),
    setup_future_usage: z.enum(["on_session", "off_session"]).optional(),
    capture_method: z.enum(["automatic", "automatic_async"]).optional(),
    receipt_email: str.optional(),
    statement_descriptor: str.optional(),
    statement_descriptor_suffix: str.optional(),
    transfer_group: str.optional(),
  }).optional(),
  locale: z.enum(CHECKOUT_LOCALES).optional(),
  allow_promotion_codes: bool.optional(),
  billing_address_collection: z.enum(["auto", "required"]).optional(),
  submit_type: z.enum(["auto", "book", "donate", "pay", "subscribe"]).optional(),
  // "hosted_page" in current API versions, "hosted" in older ones; only the hosted page exists here.
  ui_mode: z.enum(["hosted_page", "hosted"]).optional(),
  phone_number_collection: obj({ enabled: bool }).optional(),
  automatic_tax: obj({
    enabled: z.literal(false).or(z.literal("false").transform(() => false as const)),
  }).optional(),
  invoice_creation: obj({
    enabled: bool,
    invoice_data: obj({
      description: str.max(1500).optional(),
      footer: str.max(5000).optional(),
      metadata: metadata.optional(),
      custom_fields: z
        .union([
          z.literal(""),
          z
            .array(obj({ name: str.max(40), value: str.max(140) }))
            .max(4, "At most 4 custom fields."),
        ])
        .optional(),
      account_tax_ids: z.union([z.literal(""), stringList]).optional(),
      rendering_options: obj({
        amount_tax_display: z.enum(["", "exclude_tax", "include_inclusive_tax"]).optional(),
        template: str.optional(),
      }).optional(),
      issuer: obj({ type: z.enum(["account", "self"]), account: str.optional() }).optional(),
    }).optional(),
  }).optional(),
  tax_id_collection: obj({
    enabled: bool,
    required: z.enum(["if_supported", "never"]).optional(),
  }).optional(),
  currency: currency.optional(),
  subscription_data: obj({
    trial_period_days: int.optional(),
    trial_end: int.optional(),
    metadata: metadata.optional(),
    description: str.optional(),
    trial_settings: obj({
      end_behavior: obj({ missing_payment_method: z.enum(["cancel", "create_invoice", "pause"]) }),
    }).optional(),
  }).optional(),
  setup_intent_data: obj({ description: str.optional(), metadata: metadata.optional() }).optional(),
});

const listParams = withExpand({
  ...listShape,
  customer: str.optional(),
  payment_intent: str.optional(),
  status: z.enum(["open", "complete", "expired"]).optional(),
  customer_details: obj({ email: str }).optional(),
});
const retrieveParams = withExpand({});
const lineItemsParams = withExpand(listShape);

interface ResolvedItem {
  price: Stripe.Price;
  quantity: number;
  description: string;
  metadata: Record<string, string>;
}

function resolveLineItems(
  ctx: SimContext,
  items: z.output<typeof lineItem>[],
  mode: "payment" | "subscription" = "payment",
): ResolvedItem[] {
  if (items.length === 0)
    throw invalidRequest(
      `line_items must contain at least one item in \`${mode}\` mode.`,
      "line_items",
    );
  if (items.length > MAX_LINE_ITEMS) {
    throw invalidRequest(
      `line_items must contain at most ${MAX_LINE_ITEMS} items in \`${mode}\` mode.`,
      "line_items",
    );
  }
  return items.map((item, index) => {
    const param = `line_items[${index}]`;
    if (item.price && item.price_data) {
      throw invalidRequest(
        `You may only specify one of these parameters: price, price_data.`,
        `${param}[price_data]`,
      );
    }
    if (item.quantity === undefined) {
      throw invalidRequest(
        `Quantity is required. Add \`quantity\` to \`${param}\``,
        `${param}[quantity]`,
        "parameter_missing",
      );
    }
    if (item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw invalidRequest(`Quantity must be between 1 and ${MAX_QUANTITY}.`, `${param}[quantity]`);
    }
    let price: Stripe.Price;
    if (item.price) {
      price = requirePrice(ctx, item.price, `${param}[price]`);
      if (!price.active)
        throw invalidRequest(`The price specified is inactive.`, `${param}[price]`);
    } else if (item.price_data) {
      price = inlinePrice(ctx, item.price_data, `${param}[price_data]`, mode);
    } else {
      throw invalidRequest(
        `You must specify either \`price\` or \`price_data\` in \`${param}\`.`,
        `${param}[price]`,
      );
    }
    if (mode === "subscription" && price.type !== "recurring") {
      throw invalidRequest(
        "stripe-sim takes only recurring prices in `subscription` mode (one-time items on the first invoice are not supported).",
        `${param}[price]`,
      );
    }
    if (mode === "payment" && price.type === "recurring") {
      throw invalidRequest(
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
        `${param}[price]`,
      );
    }
    const productId = typeof price.product === "string" ? price.product : price.product.id;
    const product = ctx.store.get("products", productId);
    return {
      price,
      quantity: item.quantity,
      description: product?.name ?? "Item",
      metadata: mergeMetadata({}, item.metadata),
    };
  });
}

/** price_data makes an ad-hoc (inactive) price and, with product_data, an ad-hoc product. */
function inlinePrice(
  ctx: SimContext,
  data: NonNullable<z.output<typeof lineItem>["price_data"]>,
  param: string,
  mode: "payment" | "subscription",
): Stripe.Price {
  if (data.recurring && mode === "payment") {
    throw invalidRequest(
      "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
      `${param}[recurring]`,
    );
  }
  let productId: string;
  if (data.product) {
    productId = requireProduct(ctx, data.product, `${param}[product]`).id;
  } else if (data.product_data) {
    productId = createProduct(
      ctx,
      {
        name: data.product_data.name,
        description: orNull(data.product_data.description),
        active: false,
        metadata: mergeMetadata({}, data.product_data.metadata),
        images: data.product_data.images ?? [],
        url: null,
        unitLabel: null,
        statementDescriptor: null,
      },
      null,
      { emitEvent: false },
    ).id;
  } else {
    throw missingParam(`${param}[product_data]`);
  }
  return createPrice(
    ctx,
    {
      productId,
      currency: data.currency,
      unitAmount: unitAmountOf(data.unit_amount, data.unit_amount_decimal, param),
      active: false,
      lookupKey: null,
      nickname: null,
      metadata: {},
      recurring: data.recurring
        ? { interval: data.recurring.interval, intervalCount: data.recurring.interval_count ?? 1 }
        : null,
      taxBehavior: data.tax_behavior ?? "unspecified",
    },
    null,
    { emitEvent: false },
  );
}

function checkExpiresAt(expiresAt: number | undefined, now: number): number {
  if (expiresAt === undefined) return now + MAX_EXPIRY_SECONDS;
  if (expiresAt < now + MIN_EXPIRY_SECONDS) {
    throw invalidRequest(
      "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
      "expires_at",
    );
  }
  if (expiresAt > now + MAX_EXPIRY_SECONDS) {
    throw invalidRequest(
      "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
      "expires_at",
    );
  }
  return expiresAt;
}

const DAY = 24 * 60 * 60;

/** What Stripe refuses outside the mode a parameter belongs to. */
function checkModeParams(p: z.output<typeof createParams>): void {
  if (p.mode !== "payment" && p.customer_creation) {
    throw invalidRequest(
      "`customer_creation` can only be used in `payment` mode.",
      "customer_creation",
    );
  }
  if (p.mode !== "payment" && p.payment_intent_data) {
    throw invalidRequest(
      `You can not pass \`payment_intent_data\` in \`${p.mode}\` mode.`,
      "payment_intent_data",
    );
  }
  if (p.mode !== "subscription" && p.subscription_data) {
    throw invalidRequest(
      `You can not pass \`subscription_data\` in \`${p.mode}\` mode.`,
      "subscription_data",
    );
  }
  if (p.mode !== "subscription" && p.payment_method_collection) {
    throw invalidRequest(
      "`payment_method_collection` can only be used in `subscription` mode in stripe-sim.",
      "payment_method_collection",
    );
  }
  if (p.mode !== "payment" && p.invoice_creation) {
    throw invalidRequest(
      "`invoice_creation` can only be used in `payment` mode.",
      "invoice_creation",
    );
  }
  if (p.mode === "setup" && p.line_items) {
    throw invalidRequest("You can not pass `line_items` in `setup` mode.", "line_items");
  }
  if (p.mode !== "setup" && p.setup_intent_data) {
    throw invalidRequest(
      `You can not pass \`setup_intent_data\` in \`${p.mode}\` mode.`,
      "setup_intent_data",
    );
  }
}

/** A trial in days counts from when the subscription starts (the customer's clock); a trial_end is absolute. */
function trialOf(
  data: z.output<typeof createParams>["subscription_data"],
  now: number,
): { trialEnd: number | null; trialPeriodDays: number | null } | null {
  if (!data) return null;
  if (data.trial_period_days !== undefined && data.trial_end !== undefined) {
    throw invalidRequest(
      "You may only specify one of these parameters: trial_end, trial_period_days.",
      "subscription_data[trial_end]",
    );
  }
  if (data.trial_period_days !== undefined) {
    if (data.trial_period_days < 1 || data.trial_period_days > 730) {
      throw invalidRequest(
        "subscription_data[trial_period_days] must be between 1 and 730.",
        "subscription_data[trial_period_days]",
      );
    }
    return { trialEnd: null, trialPeriodDays: data.trial_period_days };
  }
  if (data.trial_end !== undefined) {
    if (data.trial_end < now + 2 * DAY) {
      throw invalidRequest(
        "subscription_data[trial_end] must be at least 48 hours in the future.",
        "subscription_data[trial_end]",
      );
    }
    return { trialEnd: data.trial_end, trialPeriodDays: null };
  }
  return null;
}

/**
 * SEPA Direct Debit takes euros only, as Stripe's Checkout requires; the stand-in serves it in
 * payment mode without invoice_creation (subscription and setup modes take cards only).
 */
function checkSepaDebitSession(
  p: { mode: string; invoice_creation?: { enabled?: boolean } | undefined },
  currencies: Set<string>,
): void {
  const other = [...currencies].find((currency) => currency !== "eur");
  if (other) {
    throw invalidRequest(
      `The currency provided (${other}) is invalid. Payment method type \`sepa_debit\` only supports \`eur\`.`,
      "payment_method_types",
    );
  }
  if (p.mode !== "payment") {
    throw invalidRequest(
      `stripe-sim supports \`sepa_debit\` in \`payment\` mode only, not \`${p.mode}\`.`,
      "payment_method_types",
    );
  }
  if (p.invoice_creation?.enabled) {
    throw invalidRequest(
      "stripe-sim does not support invoice_creation with `sepa_debit`.",
      "invoice_creation",
    );
  }
}

export const checkoutSessionRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/checkout/sessions",
    handler: (ctx, req) => {
      const p = parseParams(createParams, req.params);
      if (p.customer && p.customer_email) {
        throw invalidRequest(
          "You may only specify one of these parameters: customer, customer_email.",
          "customer_email",
        );
      }
      checkPaymentMethodTypes(p, ["card", "sepa_debit"]);
      if (p.customer_update && !p.customer) {
        throw invalidRequest("customer_update can only be used with customer.", "customer_update");
      }
      checkModeParams(p);
      if (p.tax_id_collection?.enabled && p.customer && p.customer_update?.name !== "auto") {
        throw invalidRequest(
          "In order to use tax ID collection with an existing customer, you must set `customer_update[name]` to `auto`.",
          "customer_update[name]",
        );
      }
      const customer = p.customer ? requireCustomer(ctx, p.customer, "customer") : undefined;
      const now = ctx.clock.nowSeconds();
      const expiresAt = checkExpiresAt(p.expires_at, now);
      let items: ResolvedItem[] = [];
      if (p.mode !== "setup") {
        if (!p.line_items)
          throw invalidRequest(
            `line_items is required in \`${p.mode}\` mode.`,
            "line_items",
            "parameter_missing",
          );
        items = resolveLineItems(ctx, p.line_items, p.mode);
      }
      const currencies = new Set(items.map((item) => item.price.currency));
      if (currencies.size > 1) {
        throw invalidRequest("All line items must use the same currency.", "line_items");
      }
      const paymentMethodTypes = [...new Set(p.payment_method_types ?? ["card"])];
      if (paymentMethodTypes.includes("sepa_debit")) checkSepaDebitSession(p, currencies);
      if (p.mode === "subscription") {
        checkSameInterval(
          items.map((item) => ({ price: item.price, quantity: item.quantity, metadata: {} })),
          "line_items",
        );
      }
      const trial = p.mode === "subscription" ? trialOf(p.subscription_data, now) : null;
      const amount = trial
        ? 0
        : items.reduce((sum, item) => sum + (item.price.unit_amount ?? 0) * item.quantity, 0);
      // Each line is bounded, but their sum must still fit the one PaymentIntent that will charge it.
      if (amount > MAX_AMOUNT) {
        throw invalidRequest(
          `The Checkout Session's total amount due must be no more than ${MAX_AMOUNT} in the smallest currency unit.`,
          "line_items",
          "amount_too_large",
        );
      }
      const id = newId("cs_test");
      const session = buildCheckoutSession(id, now, {
        mode: p.mode,
        currency: p.mode === "setup" ? (p.currency ?? null) : (items[0]?.price.currency ?? "usd"),
        amountSubtotal: p.mode === "setup" ? null : amount,
        amountTotal: p.mode === "setup" ? null : amount,
        customer: customer?.id ?? null,
        customerEmail: orNull(p.customer_email),
        customerCreation:
          customer || p.mode !== "payment" ? null : (p.customer_creation ?? "if_required"),
        paymentMethodCollection:
          p.mode === "subscription" ? (p.payment_method_collection ?? "always") : "if_required",
        clientReferenceId: orNull(p.client_reference_id),
        metadata: mergeMetadata({}, p.metadata),
        successUrl: orNull(p.success_url),
        cancelUrl: orNull(p.cancel_url),
        expiresAt,
        paymentMethodTypes,
        allowedPaymentMethodTypes: p.allowed_payment_method_types ?? null,
        locale: (p.locale ?? null) as Stripe.Checkout.Session.Locale | null,
        allowPromotionCodes: p.allow_promotion_codes ?? null,
        billingAddressCollection: p.billing_address_collection ?? null,
        submitType: p.submit_type ?? null,
        phoneNumberCollection: p.phone_number_collection?.enabled ?? false,
        invoiceCreation:
          p.mode === "payment"
            ? {
                enabled: p.invoice_creation?.enabled ?? false,
                invoice_data: {
                  account_tax_ids: p.invoice_creation?.invoice_data?.account_tax_ids || null,
                  custom_fields: p.invoice_creation?.invoice_data?.custom_fields || null,
                  description: p.invoice_creation?.invoice_data?.description ?? null,
                  footer: p.invoice_creation?.invoice_data?.footer ?? null,
                  issuer: p.invoice_creation?.invoice_data?.issuer
                    ? { type: p.invoice_creation.invoice_data.issuer.type }
                    : null,
                  metadata: mergeMetadata({}, p.invoice_creation?.invoice_data?.metadata),
                  rendering_options: null,
                },
              }
            : null,
        taxIdCollection: {
          enabled: p.tax_id_collection?.enabled ?? false,
          required: p.tax_id_collection?.required ?? "never",
        },
        url: `${ctx.baseUrl()}/c/pay/${id}`,
      });
      ctx.store.insert("checkout_sessions", session);
      if (p.mode !== "payment") {
        const settings: SessionBillingSettings = {
          trialEnd: trial?.trialEnd ?? null,
          trialPeriodDays: trial?.trialPeriodDays ?? null,
          metadata: mergeMetadata(
            {},
            p.mode === "subscription"
              ? p.subscription_data?.metadata
              : p.setup_intent_data?.metadata,
          ),
          description: orNull(
            p.mode === "subscription"
              ? p.subscription_data?.description
              : p.setup_intent_data?.description,
          ),
          missingPaymentMethod:
            p.subscription_data?.trial_settings?.end_behavior.missing_payment_method ??
            "create_invoice",
        };
        ctx.billingNotes.set(sessionBillingKey(id), settings);
      }
      for (const item of items) {
        ctx.lineItems.insert(
          id,
          buildLineItem(newId("li"), item.price, item.quantity, item.description, item.metadata),
        );
      }
      const pi = p.payment_intent_data;
      ctx.sessionSettings.save(id, {
        description: orNull(pi?.description),
        metadata: mergeMetadata({}, pi?.metadata),
        shipping: pi?.shipping
          ? {
              name: pi.shipping.name,
              address: fullAddress(pi.shipping.address),
              phone: pi.shipping.phone ?? null,
              carrier: pi.shipping.carrier ?? null,
              tracking_number: pi.shipping.tracking_number ?? null,
            }
          : null,
        receiptEmail: orNull(pi?.receipt_email),
        setupFutureUsage: pi?.setup_future_usage ?? null,
        statementDescriptor: orNull(pi?.statement_descriptor),
        statementDescriptorSuffix: orNull(pi?.statement_descriptor_suffix),
        customerUpdate: {
          name: p.customer_update?.name ?? "never",
          address: p.customer_update?.address ?? "never",
        },
      });
      return ok(expand(ctx, session, p.expand));
    },
  },
  retrieveRoute("/v1/checkout/sessions/:id", requireSession),
  {
    method: "POST",
    path: "/v1/checkout/sessions/:id/expire",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(retrieveParams, req.params);
      const session = requireSession(ctx, id);
      return ok(expand(ctx, expireSession(ctx, session, req.origin), p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id/line_items",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(lineItemsParams, req.params);
      requireSession(ctx, id);
      const page = ctx.lineItems.page(id, checkLimit(p.limit), p.starting_after, p.ending_before);
      const list = {
        object: "list",
        data: page.data,
        has_more: page.hasMore,
        url: `/v1/checkout/sessions/${id}/line_items`,
      };
      return ok(expand(ctx, list, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions",
    handler: (ctx, req) => {
      const p = parseParams(listParams, req.params);
      sweepExpiredSessions(ctx);
      const filters: JsonFilter[] = [];
      if (p.customer !== undefined) filters.push({ path: "$.customer", value: p.customer });
      if (p.payment_intent !== undefined)
        filters.push({ path: "$.payment_intent", value: p.payment_intent });
      if (p.status !== undefined) filters.push({ path: "$.status", value: p.status });
      if (p.customer_details !== undefined)
        filters.push({ path: "$.customer_details.email", value: p.customer_details.email });
      return ok(
        expand(
          ctx,
          listObjects(ctx, "checkout_sessions", "/v1/checkout/sessions", p, filters),
          p.expand,
        ),
      );
    },
  },
];
