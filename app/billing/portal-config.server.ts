import { remember } from "@epic-web/remember";
import type Stripe from "stripe";
import type { Role } from "../../db/schema";
import { recurringPlan } from "../payments/catalog";
import { env } from "../lib/env.server";
import { priceIdFor } from "./catalog-sync.server";

/**
 * One customer portal configuration per role: cancel at period end, card and invoices, and
 * switching only between the role's own monthly and yearly prices (one configuration for all
 * would let a talent switch to a company plan). Found by metadata, created when missing; the
 * version names the prices, so a catalog change makes a new configuration.
 */
async function ensureConfiguration(stripe: Stripe, role: Role): Promise<string> {
  const currency = env().pricingCurrency;
  const monthly = recurringPlan(role, "monthly", currency);
  const yearly = recurringPlan(role, "yearly", currency);
  const prices = [await priceIdFor(monthly, stripe), await priceIdFor(yearly, stripe)];
  const version = prices.join(",");
  for await (const configuration of stripe.billingPortal.configurations.list({
    active: true,
    limit: 100,
  })) {
    if (
      configuration.metadata?.app === "talents_acting" &&
      configuration.metadata.role === role &&
      configuration.metadata.version === version
    ) {
      return configuration.id;
    }
  }
  const created = await stripe.billingPortal.configurations.create(
    {
      name: `Talents Acting ${role}`,
      metadata: { app: "talents_acting", role, version },
      features: {
        invoice_history: { enabled: true },
        payment_method_update: { enabled: true },
        subscription_cancel: { enabled: true, mode: "at_period_end" },
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products: [{ product: monthly.productId, prices }],
          proration_behavior: "create_prorations",
        },
      },
    },
    { idempotencyKey: `portal-configuration:${role}:${version}` },
  );
  return created.id;
}

const configurations = remember("portal-configurations", () => new Map<string, Promise<string>>());

/** The role's portal configuration id, ensured once a process (again after a failure). */
export function portalConfigurationId(stripe: Stripe, role: Role): Promise<string> {
  const config = env();
  const key = `${config.stripe.apiBase}|${config.stripe.secretKey}|${config.pricingCurrency}|${role}`;
  const cache = configurations;
  let entry = cache.get(key);
  if (!entry) {
    entry = ensureConfiguration(stripe, role);
    cache.set(key, entry);
    entry.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
  }
  return entry;
}
