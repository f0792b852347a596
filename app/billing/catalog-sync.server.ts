import { remember } from "@epic-web/remember";
import Stripe from "stripe";
import { env } from "../lib/env.server";
import { stripe as appStripe } from "../lib/stripe.server";
import { membershipName, recurringCatalog, type RecurringPlan } from "../payments/catalog";
import { expandableId } from "../lib/stripe-ids";

export interface CatalogPrice {
  plan: RecurringPlan;
  priceId: string;
  /** what the sync did for this plan */
  action: "found" | "created" | "key_moved";
  /** key_moved: the price that held the lookup key before (still the catalog's for its subscriptions) */
  replacedPriceId?: string;
}

function matches(price: Stripe.Price, plan: RecurringPlan): boolean {
  return (
    price.active &&
    price.unit_amount === plan.amount &&
    price.currency === plan.currency.toLowerCase() &&
    price.recurring?.interval === plan.interval &&
    (price.recurring?.interval_count ?? 1) === 1 &&
    expandableId(price.product) === plan.productId
  );
}

async function ensureProduct(stripe: Stripe, plan: RecurringPlan): Promise<void> {
  try {
    await stripe.products.retrieve(plan.productId);
    return;
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.statusCode !== 404)
      throw error;
  }
  try {
    await stripe.products.create({
      id: plan.productId,
      name: membershipName(plan.role),
      metadata: { role: plan.role },
    });
  } catch (error) {
    // Another process created it between our read and our create: the product exists, as wanted.
    if (
      !(error instanceof Stripe.errors.StripeInvalidRequestError) ||
      error.code !== "resource_already_exists"
    )
      throw error;
  }
}

/**
 * Makes Stripe match the catalog, idempotently: each recurring plan's price is found by its
 * lookup_key; a missing one is created, and a changed amount gets a new price that takes the
 * lookup_key over (the old price stays for the subscriptions already on it). The create's
 * Idempotency-Key names the price it replaces, so two processes booting together make one.
 */
export async function syncCatalog(
  stripe: Stripe,
  plans: readonly RecurringPlan[],
): Promise<CatalogPrice[]> {
  const found = new Map<string, Stripe.Price>();
  // Stripe accepts at most 10 lookup keys per list call.
  for (let i = 0; i < plans.length; i += 10) {
    const keys = plans.slice(i, i + 10).map((p) => p.lookupKey);
    const list = await stripe.prices.list({ lookup_keys: keys, limit: 100 });
    for (const price of list.data) if (price.lookup_key) found.set(price.lookup_key, price);
  }
  const result: CatalogPrice[] = [];
  for (const plan of plans) {
    const holder = found.get(plan.lookupKey);
    if (holder && matches(holder, plan)) {
      result.push({ plan, priceId: holder.id, action: "found" });
      continue;
    }
    await ensureProduct(stripe, plan);
    const created = await stripe.prices.create(
      {
        product: plan.productId,
        currency: plan.currency.toLowerCase(),
        unit_amount: plan.amount,
        recurring: { interval: plan.interval },
        lookup_key: plan.lookupKey,
        transfer_lookup_key: true,
        nickname: plan.name,
        metadata: { plan: plan.id, role: plan.role },
      },
      {
        idempotencyKey: `catalog-price:${plan.lookupKey}:${plan.amount}:${plan.interval}:${holder?.id ?? "none"}`,
      },
    );
    result.push(
      holder
        ? { plan, priceId: created.id, action: "key_moved", replacedPriceId: holder.id }
        : { plan, priceId: created.id, action: "created" },
    );
  }
  return result;
}

// One synced catalog a process: the prices never change while it runs (a change means a deploy).
const synced = remember("billing-catalog", () => ({
  current: undefined as { key: string; prices: Promise<Map<string, CatalogPrice>> } | undefined,
}));

/**
 * The Stripe price of each recurring plan, synced once a process (at boot, or on first use if
 * the boot sync failed), never once per request. A failed sync is retried on the next call.
 */
export function catalogPrices(
  stripe: Stripe = appStripe(),
  /** `resync`: sync again even though this process already did (a price changed meanwhile) */
  { resync = false }: { resync?: boolean } = {},
): Promise<Map<string, CatalogPrice>> {
  const config = env();
  const key = `${config.stripe.apiBase}|${config.stripe.secretKey}|${config.pricingCurrency}`;
  if (resync || synced.current?.key !== key) {
    const prices = syncCatalog(stripe, recurringCatalog(config.pricingCurrency)).then(
      (list) => new Map(list.map((p) => [p.plan.id, p])),
    );
    synced.current = { key, prices };
    prices.catch(() => {
      if (synced.current?.prices === prices) synced.current = undefined;
    });
  }
  return synced.current.prices;
}

/** The Stripe price id of a recurring plan. */
export async function priceIdFor(plan: RecurringPlan, stripe?: Stripe): Promise<string> {
  const entry = (await catalogPrices(stripe)).get(plan.id);
  if (!entry) throw new Error(`Plan ${plan.id} is not in the synced catalog`);
  return entry.priceId;
}

/** A price the catalog has (or had): its plan and role. */
export interface CatalogEntry {
  plan: string;
  role: string;
  lookupKey: string;
}

/**
 * The catalog's prices as this process synced them, with the prices whose lookup key moved to
 * a new one at that sync: both are the catalog's, and are recorded in catalog_prices when a
 * subscription on them is stored, so a price the catalog once had keeps granting after later
 * moves and restarts.
 */
export async function catalogKnowledge(stripe: Stripe): Promise<Map<string, CatalogEntry>> {
  const known = new Map<string, CatalogEntry>();
  for (const entry of (await catalogPrices(stripe)).values()) {
    const value = { plan: entry.plan.id, role: entry.plan.role, lookupKey: entry.plan.lookupKey };
    known.set(entry.priceId, value);
    if (entry.replacedPriceId) known.set(entry.replacedPriceId, value);
  }
  return known;
}
