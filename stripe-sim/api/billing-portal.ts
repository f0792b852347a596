import type Stripe from "stripe";
import { z } from "zod";
import { idOf } from "../ids.js";
import { requireCustomer } from "../domain/customers.js";
import { previousAttributes } from "../domain/events.js";
import { requireSubscription } from "../domain/subscriptions.js";
import { invalidRequest, noSuch } from "../http/errors.js";
import { newId, randomToken } from "../ids.js";
import type { ApiRoute, SimContext } from "./context.js";
import { ok } from "./context.js";
import { expand } from "./expand.js";
import { listObjects } from "./list.js";
import {
  bool,
  listShape,
  mergeMetadata,
  metadata,
  obj,
  orNull,
  parseParams,
  str,
  stringList,
  withExpand,
} from "./params.js";
import { retrieveRoute } from "./retrieve.js";

export const CANCELLATION_REASONS = [
  "too_expensive",
  "missing_features",
  "switched_service",
  "unused",
  "customer_service",
  "too_complex",
  "low_quality",
  "other",
] as const;

const prorationBehavior = z.enum(["always_invoice", "create_prorations", "none"]);

const featuresShape = obj({
  customer_update: obj({
    enabled: bool,
    allowed_updates: z
      .union([
        z.array(z.enum(["address", "email", "name", "phone", "shipping", "tax_id"])),
        z.literal(""),
      ])
      .optional(),
  }).optional(),
  invoice_history: obj({ enabled: bool }).optional(),
  payment_method_update: obj({
    enabled: bool,
    payment_method_configuration: str.optional(),
  }).optional(),
  subscription_cancel: obj({
    enabled: bool,
    mode: z.enum(["at_period_end", "immediately"]).optional(),
    proration_behavior: prorationBehavior.optional(),
    cancellation_reason: obj({
      enabled: bool,
      options: z.union([z.array(z.enum(CANCELLATION_REASONS)), z.literal("")]).optional(),
    }).optional(),
  }).optional(),
  subscription_update: obj({
    enabled: bool,
    default_allowed_updates: z
      .union([z.array(z.enum(["price", "quantity", "promotion_code"])), z.literal("")])
      .optional(),
    products: z
      .union([z.array(obj({ product: str, prices: stringList })), z.literal("")])
      .optional(),
    proration_behavior: prorationBehavior.optional(),
  }).optional(),
});

const businessProfile = obj({
  headline: str.optional(),
  privacy_policy_url: str.optional(),
  terms_of_service_url: str.optional(),
});

const configurationCreateParams = withExpand({
  features: featuresShape,
  business_profile: businessProfile.optional(),
  default_return_url: str.optional(),
  metadata: metadata.optional(),
  name: str.optional(),
  login_page: obj({ enabled: bool }).optional(),
});
const configurationUpdateParams = withExpand({
  active: bool.optional(),
  features: featuresShape.optional(),
  business_profile: businessProfile.optional(),
  default_return_url: str.optional(),
  metadata: metadata.optional(),
  name: str.optional(),
  login_page: obj({ enabled: bool }).optional(),
});
const configurationListParams = withExpand({
  ...listShape,
  active: bool.optional(),
  is_default: bool.optional(),
});

const sessionCreateParams = withExpand({
  customer: str,
  return_url: str.optional(),
  configuration: str.optional(),
  locale: str.optional(),
  on_behalf_of: str.optional(),
  flow_data: obj({
    type: z.enum([
      "payment_method_update",
      "subscription_cancel",
      "subscription_update",
      "subscription_update_confirm",
    ]),
    after_completion: obj({
      type: z.enum(["hosted_confirmation", "portal_homepage", "redirect"]),
      redirect: obj({ return_url: str }).optional(),
      hosted_confirmation: obj({ custom_message: str.optional() }).optional(),
    }).optional(),
    subscription_cancel: obj({ subscription: str, retention: z.unknown().optional() }).optional(),
    subscription_update: obj({ subscription: str }).optional(),
    subscription_update_confirm: obj({
      subscription: str,
      items: z.array(obj({ id: str, price: str.optional(), quantity: str.optional() })),
    }).optional(),
  }).optional(),
});

type Features = z.output<typeof featuresShape>;

function applyFeatures(
  base: Stripe.BillingPortal.Configuration.Features,
  patch: Features | undefined,
): Stripe.BillingPortal.Configuration.Features {
  if (!patch) return base;
  const f = structuredClone(base);
  if (patch.customer_update) {
    f.customer_update = {
      enabled: patch.customer_update.enabled,
      allowed_updates:
        patch.customer_update.allowed_updates === ""
          ? []
          : (patch.customer_update.allowed_updates ?? f.customer_update.allowed_updates),
    };
  }
  if (patch.invoice_history) f.invoice_history = { enabled: patch.invoice_history.enabled };
  if (patch.payment_method_update)
    f.payment_method_update = {
      enabled: patch.payment_method_update.enabled,
      payment_method_configuration: null,
    };
  if (patch.subscription_cancel) {
    const c = patch.subscription_cancel;
    f.subscription_cancel = {
      enabled: c.enabled,
      mode: c.mode ?? f.subscription_cancel.mode,
      proration_behavior: c.proration_behavior ?? f.subscription_cancel.proration_behavior,
      cancellation_reason: c.cancellation_reason
        ? {
            enabled: c.cancellation_reason.enabled,
            feedback_options: null,
            options:
              c.cancellation_reason.options === ""
                ? []
                : (c.cancellation_reason.options ?? [...CANCELLATION_REASONS]),
          }
        : f.subscription_cancel.cancellation_reason,
    };
  }
  if (patch.subscription_update) {
    const u = patch.subscription_update;
    f.subscription_update = {
      ...f.subscription_update,
      enabled: u.enabled,
      default_allowed_updates:
        u.default_allowed_updates === ""
          ? []
          : (u.default_allowed_updates ?? f.subscription_update.default_allowed_updates),
      products:
        u.products === ""
          ? []
          : u.products
            ? u.products.map((p) => ({
                adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
                prices: p.prices,
                product: p.product,
              }))
            : (f.subscription_update.products ?? []),
      proration_behavior: u.proration_behavior ?? f.subscription_update.proration_behavior,
    };
  }
  return f;
}

function defaultFeatures(): Stripe.BillingPortal.Configuration.Features {
  return {
    customer_update: { allowed_updates: ["email", "address"], enabled: true },
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: {
        enabled: true,
        feedback_options: null,
        options: [...CANCELLATION_REASONS],
      },
      enabled: true,
      mode: "at_period_end",
      proration_behavior: "none",
    },
    subscription_pause: { duration: { interval_options: [], type: "indefinite" }, enabled: false },
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: "create_prorations",
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: "end_trial",
    },
  };
}

function buildConfiguration(
  ctx: SimContext,
  isDefault: boolean,
  features: Stripe.BillingPortal.Configuration.Features,
  extra: Partial<Stripe.BillingPortal.Configuration>,
): Stripe.BillingPortal.Configuration {
  const now = ctx.clock.nowSeconds();
  return {
    id: newId("bpc"),
    object: "billing_portal.configuration",
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features,
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
    ...extra,
  };
}

/** The account's default configuration, made on first use as Stripe's Dashboard makes one. */
export function defaultConfiguration(ctx: SimContext): Stripe.BillingPortal.Configuration {
  const existing = ctx.store.list("billing_portal_configurations", {
    limit: 1,
    filters: [{ path: "$.is_default", value: true }],
  }).data[0];
  if (existing) return existing;
  const configuration = buildConfiguration(ctx, true, defaultFeatures(), {});
  ctx.store.insert("billing_portal_configurations", configuration);
  return configuration;
}

export function requireConfiguration(
  ctx: SimContext,
  id: string,
  param = "id",
): Stripe.BillingPortal.Configuration {
  const configuration = ctx.store.get("billing_portal_configurations", id);
  if (!configuration) throw noSuch("billing_portal.configuration", id, param);
  return configuration;
}

function checkPrices(ctx: SimContext, features: Features | undefined): void {
  const products = features?.subscription_update?.products;
  if (!products || typeof products === "string") return;
  products.forEach((entry, index) => {
    if (!ctx.store.get("products", entry.product))
      throw noSuch(
        "product",
        entry.product,
        `features[subscription_update][products][${index}][product]`,
      );
    for (const priceId of entry.prices) {
      const price = ctx.store.get("prices", priceId);
      if (!price)
        throw noSuch("price", priceId, `features[subscription_update][products][${index}][prices]`);
      if (idOf(price.product) !== entry.product) {
        throw invalidRequest(
          `The price ${priceId} does not belong to product ${entry.product}.`,
          `features[subscription_update][products][${index}][prices]`,
        );
      }
      if (!price.recurring)
        throw invalidRequest(
          `The price ${priceId} is not a recurring price.`,
          `features[subscription_update][products][${index}][prices]`,
        );
    }
  });
}

function profile(
  p: z.output<typeof businessProfile> | undefined,
  base: Stripe.BillingPortal.Configuration.BusinessProfile,
) {
  if (!p) return base;
  return {
    headline: p.headline !== undefined ? orNull(p.headline) : base.headline,
    privacy_policy_url:
      p.privacy_policy_url !== undefined ? orNull(p.privacy_policy_url) : base.privacy_policy_url,
    terms_of_service_url:
      p.terms_of_service_url !== undefined
        ? orNull(p.terms_of_service_url)
        : base.terms_of_service_url,
  };
}

export const billingPortalRoutes: ApiRoute[] = [
  {
    method: "POST",
    path: "/v1/billing_portal/configurations",
    handler: (ctx, req) => {
      const p = parseParams(configurationCreateParams, req.params);
      checkPrices(ctx, p.features);
      defaultConfiguration(ctx);
      const base = defaultFeatures();
      const configuration = buildConfiguration(
        ctx,
        false,
        applyFeatures(
          { ...base, subscription_cancel: { ...base.subscription_cancel, enabled: false } },
          p.features,
        ),
        {
          business_profile: profile(p.business_profile, {
            headline: null,
            privacy_policy_url: null,
            terms_of_service_url: null,
          }),
          default_return_url: orNull(p.default_return_url),
          metadata: mergeMetadata({}, p.metadata),
          name: orNull(p.name),
        },
      );
      ctx.store.insert("billing_portal_configurations", configuration);
      ctx.events.emit("billing_portal.configuration.created", configuration, req.origin);
      return ok(expand(ctx, configuration, p.expand));
    },
  },
  retrieveRoute("/v1/billing_portal/configurations/:id", requireConfiguration),
  {
    method: "POST",
    path: "/v1/billing_portal/configurations/:id",
    handler: (ctx, req, [id = ""]) => {
      const p = parseParams(configurationUpdateParams, req.params);
      const before = requireConfiguration(ctx, id);
      checkPrices(ctx, p.features);
      if (p.active === false && before.is_default)
        throw invalidRequest("The default configuration cannot be deactivated.", "active");
      const after: Stripe.BillingPortal.Configuration = {
        ...before,
        active: p.active ?? before.active,
        features: applyFeatures(before.features, p.features),
        business_profile: profile(p.business_profile, before.business_profile),
        default_return_url:
          p.default_return_url !== undefined
            ? orNull(p.default_return_url)
            : before.default_return_url,
        metadata: mergeMetadata(before.metadata ?? {}, p.metadata),
        name: p.name !== undefined ? orNull(p.name) : before.name,
      };
      const changed = previousAttributes(before, after);
      if (Object.keys(changed).length === 0) return ok(expand(ctx, before, p.expand));
      const saved = { ...after, updated: ctx.clock.nowSeconds() };
      ctx.store.replace("billing_portal_configurations", saved);
      ctx.events.emit("billing_portal.configuration.updated", saved, req.origin, changed);
      return ok(expand(ctx, saved, p.expand));
    },
  },
  {
    method: "GET",
    path: "/v1/billing_portal/configurations",
    handler: (ctx, req) => {
      const p = parseParams(configurationListParams, req.params);
      defaultConfiguration(ctx);
      const filters = [];
      if (p.active !== undefined) filters.push({ path: "$.active", value: p.active });
      if (p.is_default !== undefined) filters.push({ path: "$.is_default", value: p.is_default });
      return ok(
        expand(
          ctx,
          listObjects(
            ctx,
            "billing_portal_configurations",
            "/v1/billing_portal/configurations",
            p,
            filters,
          ),
          p.expand,
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/v1/billing_portal/sessions",
    handler: (ctx, req) => {
      const p = parseParams(sessionCreateParams, req.params);
      const customer = requireCustomer(ctx, p.customer, "customer");
      const configuration = p.configuration
        ? requireConfiguration(ctx, p.configuration, "configuration")
        : defaultConfiguration(ctx);
      if (!configuration.active)
        throw invalidRequest("The configuration is not active.", "configuration");
      const returnUrl = orNull(p.return_url) ?? configuration.default_return_url;
      const flow = p.flow_data ? buildFlow(ctx, customer.id, p.flow_data, returnUrl) : null;
      const id = newId("bps");
      const session: Stripe.BillingPortal.Session = {
        id,
        object: "billing_portal.session",
        configuration: configuration.id,
        created: ctx.clock.nowSeconds(),
        customer: customer.id,
        customer_account: null,
        flow,
        livemode: false,
        locale: (p.locale ?? null) as Stripe.BillingPortal.Session.Locale | null,
        on_behalf_of: p.on_behalf_of ?? null,
        return_url: returnUrl,
        url: `${ctx.baseUrl()}/p/session/test_${randomToken(40)}`,
      };
      ctx.store.insert("billing_portal_sessions", session);
      ctx.events.emit("billing_portal.session.created", session, req.origin);
      return ok(expand(ctx, session, p.expand));
    },
  },
];

function buildFlow(
  ctx: SimContext,
  customerId: string,
  data: NonNullable<z.output<typeof sessionCreateParams>["flow_data"]>,
  returnUrl: string | null,
): Stripe.BillingPortal.Session.Flow {
  const subscriptionId =
    data.subscription_cancel?.subscription ??
    data.subscription_update?.subscription ??
    data.subscription_update_confirm?.subscription;
  if (data.type !== "payment_method_update") {
    const param = `flow_data[${data.type}][subscription]`;
    if (!subscriptionId)
      throw invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
    const subscription = requireSubscription(ctx, subscriptionId, param);
    if (idOf(subscription.customer) !== customerId)
      throw invalidRequest("The subscription does not belong to this customer.", param);
  }
  const after = data.after_completion;
  if (after?.type === "redirect" && !after.redirect?.return_url) {
    throw invalidRequest(
      "Missing required param: flow_data[after_completion][redirect][return_url].",
      "flow_data[after_completion][redirect][return_url]",
      "parameter_missing",
    );
  }
  return {
    type: data.type,
    after_completion: {
      type: after?.type ?? "portal_homepage",
      redirect:
        after?.type === "redirect"
          ? { return_url: after.redirect?.return_url ?? returnUrl ?? "" }
          : null,
      hosted_confirmation:
        after?.type === "hosted_confirmation"
          ? { custom_message: after.hosted_confirmation?.custom_message ?? null }
          : null,
    },
    subscription_cancel: data.subscription_cancel
      ? { retention: null, subscription: data.subscription_cancel.subscription }
      : null,
    subscription_update: data.subscription_update
      ? { subscription: data.subscription_update.subscription }
      : null,
    subscription_update_confirm: data.subscription_update_confirm
      ? {
          discounts: null,
          items: data.subscription_update_confirm.items.map((item) => ({
            id: item.id,
            price: item.price ?? null,
            quantity: item.quantity ? Number(item.quantity) : undefined,
          })),
          subscription: data.subscription_update_confirm.subscription,
        }
      : null,
  } as Stripe.BillingPortal.Session.Flow;
}

/** The portal session behind a hosted portal URL's token. */
export function sessionByUrl(
  ctx: SimContext,
  url: string,
): Stripe.BillingPortal.Session | undefined {
  return ctx.store.list("billing_portal_sessions", {
    limit: 1,
    filters: [{ path: "$.url", value: url }],
  }).data[0];
}
