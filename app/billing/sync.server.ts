import Stripe from "stripe";
import type { DB, NewInvoiceRow, NewSubscriptionRow, SubscriptionRow, User } from "../../db/schema";
import { env } from "../lib/env.server";
import { systemNow } from "../lib/clock.server";
import { afterCommit, forUpdate, writeTransaction } from "../../db/dialect";
import { log } from "../observability/log.server";
import { formatMoney } from "../lib/format";
import { planById, type BillingInterval } from "../payments/catalog";
import { decideMembershipStatus, type SubscriptionFacts } from "./access-status";
import { enqueueEmail } from "../email/outbox.server";
import { billingEmailKeys, type BillingEmail } from "./emails.server";
import {
  subscriptionEmailDates,
  type InvoiceFacts,
  type SubscriptionFacts as MemberSubscriptionFacts,
} from "./member-view";
import { withKeyLock } from "./key-lock.server";
import { catalogKnowledge, type CatalogEntry } from "./catalog-sync.server";
import { recordConflict } from "./conflicts.server";
import { earlierMembership, resolvedAsConflict } from "./one-membership.server";
import { expandableId } from "../lib/stripe-ids";

/** Invoices read per sync: the newest ones of the subscription, enough to heal lost events. */
const INVOICES_PER_SYNC = 24;

export interface SyncOptions {
  /** the Stripe event id that caused the sync, or "sync" */
  cause: string;
  /** the event's type, for emails that only an event announces (trial_will_end) */
  eventType?: string;
  /** an invoice the event named, read as well as the latest */
  invoiceId?: string | null;
  now: Date;
}

export type SyncResult =
  | {
      kind: "synced";
      userId: number;
      status: string;
      previousStatus: string | null;
      drift: string[];
      emails: string[];
    }
  /** a read that started later was stored first: this older one changed nothing */
  | { kind: "superseded"; userId: number; storedReadAt: string }
  | { kind: "unknown_customer"; customerId: string }
  | { kind: "not_found" };

const iso = (seconds: number | null | undefined): string | null =>
  seconds == null ? null : new Date(seconds * 1000).toISOString();

/** The subscription an invoice belongs to (API 2026: under parent.subscription_details). */
export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const fromParent = expandableId(invoice.parent?.subscription_details?.subscription);
  if (fromParent) return fromParent;
  // Events sent with an older API version still carry the top-level field.
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null })
    .subscription;
  return expandableId(legacy);
}

/** Re-reads one subscription and its invoices from Stripe and stores them (see syncFetched). */
export async function syncSubscription(
  db: DB,
  stripe: Stripe,
  subscriptionId: string,
  options: SyncOptions,
): Promise<SyncResult> {
  // Serialised per subscription within this process; across instances the row keeps the read
  // that started last (syncFetched), whichever commits last.
  return withKeyLock(`subscription:${subscriptionId}`, async () => {
    const fetched = await readSubscription(stripe, subscriptionId, options);
    return fetched ? syncFetched(db, fetched, options) : { kind: "not_found" };
  });
}

/**
 * Reads one subscription from Stripe with what its row and emails need: its invoices, card,
 * the catalog, and which invoices wait for authentication. Null when Stripe has no such
 * subscription. `readAt` is taken before the first request.
 */
export async function readSubscription(
  stripe: Stripe,
  subscriptionId: string,
  options: Pick<SyncOptions, "invoiceId">,
): Promise<Fetched | null> {
  // Machine time, not the app's shiftable clock: it orders reads made by different processes.
  const readAt = systemNow();
  let subscription: Stripe.Subscription;
  try {
    subscription = await stripe.subscriptions.retrieve(subscriptionId, {
      expand: ["default_payment_method", "latest_invoice.payments"],
    });
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
      return null;
    throw error;
  }
  const invoices = (
    await stripe.invoices.list({
      subscription: subscriptionId,
      limit: INVOICES_PER_SYNC,
      expand: ["data.payments"],
    })
  ).data;
  const latest =
    subscription.latest_invoice && typeof subscription.latest_invoice !== "string"
      ? subscription.latest_invoice
      : null;
  if (latest && !invoices.some((i) => i.id === latest.id)) invoices.push(latest);
  if (options.invoiceId && !invoices.some((i) => i.id === options.invoiceId)) {
    invoices.push(await stripe.invoices.retrieve(options.invoiceId, { expand: ["payments"] }));
  }
  const card = await cardOf(stripe, subscription);
  const catalog = await catalogKnowledge(stripe);
  const actionRequired = await invoicesAwaitingAction(stripe, invoices, [
    expandableId(subscription.latest_invoice),
    options.invoiceId ?? null,
  ]);
  return { subscription, invoices, card, catalog, actionRequired, readAt };
}

/**
 * Which of the invoices that may send an email (the latest, the event's own) are open with a
 * payment waiting for the member's authentication: one PaymentIntent read each, only for an
 * open invoice that was attempted.
 */
async function invoicesAwaitingAction(
  stripe: Stripe,
  invoices: Stripe.Invoice[],
  relevant: (string | null)[],
): Promise<Set<string>> {
  const waiting = new Set<string>();
  for (const invoice of invoices) {
    if (!relevant.includes(invoice.id) || invoice.status !== "open" || !invoice.attempted) continue;
    const intentId = expandableId(invoice.payments?.data[0]?.payment.payment_intent);
    if (!intentId) continue;
    const intent = await stripe.paymentIntents.retrieve(intentId);
    if (intent.status === "requires_action") waiting.add(invoice.id);
  }
  return waiting;
}

async function cardOf(
  stripe: Stripe,
  subscription: Stripe.Subscription,
): Promise<{ brand: string; last4: string } | null> {
  const pm = subscription.default_payment_method;
  if (pm && typeof pm !== "string" && pm.card)
    return { brand: pm.card.brand, last4: pm.card.last4 };
  const customerId = expandableId(subscription.customer);
  if (!customerId) return null;
  const customer = await stripe.customers.retrieve(customerId, {
    expand: ["invoice_settings.default_payment_method"],
  });
  if (customer.deleted) return null;
  const fallback = customer.invoice_settings?.default_payment_method;
  return fallback && typeof fallback !== "string" && fallback.card
    ? { brand: fallback.card.brand, last4: fallback.card.last4 }
    : null;
}

export interface Fetched {
  subscription: Stripe.Subscription;
  invoices: Stripe.Invoice[];
  card: { brand: string; last4: string } | null;
  /** the catalog's prices (catalogKnowledge); catalog_prices holds the ones it had before */
  catalog: ReadonlyMap<string, CatalogEntry>;
  /** open invoices whose payment waits for the member to authenticate (requires_action) */
  actionRequired?: ReadonlySet<string>;
  /** when the read started: the stored row is replaced only by a read that started later */
  readAt: Date;
}

function subscriptionRow(
  userId: number,
  s: Stripe.Subscription,
  card: Fetched["card"],
  nowIso: string,
  catalogEntry: CatalogEntry | null,
): NewSubscriptionRow {
  const item = s.items.data[0];
  const price = item?.price;
  const currency = (price?.currency ?? s.currency).toLowerCase();
  // Only a catalog price names a catalog plan: a price's own metadata proves nothing.
  const catalogPlan = catalogEntry ? planById(catalogEntry.plan, currency) : undefined;
  return {
    stripe_subscription_id: s.id,
    user_id: userId,
    stripe_customer_id: expandableId(s.customer) ?? "",
    plan: catalogPlan?.id ?? price?.lookup_key ?? price?.id ?? "unknown",
    off_catalog: catalogEntry ? 0 : 1,
    interval: price?.recurring?.interval ?? "month",
    stripe_price_id: price?.id ?? "",
    amount: (price?.unit_amount ?? 0) * (item?.quantity ?? 1),
    currency,
    status: s.status,
    current_period_start: iso(item?.current_period_start),
    current_period_end: iso(item?.current_period_end),
    trial_start: iso(s.trial_start),
    trial_end: iso(s.trial_end),
    cancel_at_period_end: s.cancel_at_period_end ? 1 : 0,
    cancel_at: iso(s.cancel_at),
    canceled_at: iso(s.canceled_at),
    ended_at: iso(s.ended_at),
    cancellation_reason: s.cancellation_details?.reason ?? null,
    card_brand: card?.brand ?? null,
    card_last4: card?.last4 ?? null,
    latest_invoice_id: expandableId(s.latest_invoice),
    stripe_created_at: iso(s.created) ?? nowIso,
    synced_at: nowIso,
  };
}

/** A subscription row as the member view reads it. */
function memberSubscriptionFacts(row: NewSubscriptionRow): MemberSubscriptionFacts {
  return {
    stripe_subscription_id: row.stripe_subscription_id,
    plan: row.plan,
    interval: row.interval,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    current_period_end: row.current_period_end ?? null,
    trial_end: row.trial_end ?? null,
    cancel_at_period_end: row.cancel_at_period_end,
    cancel_at: row.cancel_at ?? null,
    canceled_at: row.canceled_at ?? null,
    ended_at: row.ended_at ?? null,
    cancellation_reason: row.cancellation_reason ?? null,
    card_brand: row.card_brand ?? null,
    card_last4: row.card_last4 ?? null,
    stripe_created_at: row.stripe_created_at,
  };
}

/** An invoice row as the member view reads it. */
function invoiceFacts(row: NewInvoiceRow): InvoiceFacts {
  return {
    stripe_invoice_id: row.stripe_invoice_id,
    stripe_subscription_id: row.stripe_subscription_id ?? null,
    number: row.number ?? null,
    status: row.status ?? null,
    amount_due: row.amount_due,
    amount_paid: row.amount_paid,
    currency: row.currency,
    billing_reason: row.billing_reason ?? null,
    hosted_invoice_url: row.hosted_invoice_url ?? null,
    invoice_pdf: row.invoice_pdf ?? null,
    paid_at: row.paid_at ?? null,
    next_payment_attempt: row.next_payment_attempt ?? null,
    stripe_created_at: row.stripe_created_at,
  };
}

function invoiceRow(userId: number, invoice: Stripe.Invoice, nowIso: string): NewInvoiceRow {
  return {
    stripe_invoice_id: invoice.id,
    user_id: userId,
    stripe_subscription_id: invoiceSubscriptionId(invoice),
    number: invoice.number,
    status: invoice.status,
    amount_due: invoice.amount_due,
    amount_paid: invoice.amount_paid,
    currency: invoice.currency.toLowerCase(),
    billing_reason: invoice.billing_reason,
    period_start: iso(invoice.period_start),
    period_end: iso(invoice.period_end),
    hosted_invoice_url: invoice.hosted_invoice_url ?? null,
    invoice_pdf: invoice.invoice_pdf ?? null,
    paid_at: iso(invoice.status_transitions?.paid_at),
    stripe_payment_intent_id: expandableId(invoice.payments?.data[0]?.payment.payment_intent),
    next_payment_attempt: iso(invoice.next_payment_attempt),
    stripe_created_at: iso(invoice.created) ?? nowIso,
    synced_at: nowIso,
  };
}

/** Columns compared for the drift report (synced_at always changes). */
const COMPARED: (keyof NewSubscriptionRow)[] = [
  "status",
  "plan",
  "stripe_price_id",
  "current_period_start",
  "current_period_end",
  "trial_end",
  "cancel_at_period_end",
  "cancel_at",
  "canceled_at",
  "ended_at",
  "card_last4",
  "latest_invoice_id",
  "off_catalog",
];

function driftOf(before: SubscriptionRow | undefined, after: NewSubscriptionRow): string[] {
  if (!before) return [`subscription ${after.stripe_subscription_id}: new row (${after.status})`];
  return COMPARED.filter((column) => before[column] !== after[column]).map(
    (column) =>
      `subscription ${after.stripe_subscription_id}: ${column} ${String(before[column])} -> ${String(after[column])}`,
  );
}

/**
 * Stores what was read from Stripe, in one write transaction: the subscription row, a status
 * history row when the status changed, every invoice read, the member's access (one rule,
 * decideMembershipStatus) and the lifecycle emails, each once per Stripe object. Whatever order events
 * arrive in, and however many are lost or repeated, the rows end as Stripe's state.
 */
export async function syncFetched(
  db: DB,
  fetched: Fetched,
  options: SyncOptions,
): Promise<SyncResult> {
  const now = options.now;
  const nowIso = now.toISOString();
  const { subscription } = fetched;
  const customerId = expandableId(subscription.customer) ?? "";
  const owner = await db
    .selectFrom("stripe_customers")
    .select("user_id")
    .where("stripe_customer_id", "=", customerId)
    .executeTakeFirst();
  if (!owner) return { kind: "unknown_customer", customerId };
  const user = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", owner.user_id)
    .executeTakeFirstOrThrow();

  const priceId = subscription.items.data[0]?.price?.id ?? "";
  const current = fetched.catalog.get(priceId) ?? null;
  const recorded = current
    ? null
    : await db
        .selectFrom("catalog_prices")
        .select(["plan", "role", "lookup_key as lookupKey"])
        .where("stripe_price_id", "=", priceId)
        .executeTakeFirst();
  const known = current ?? recorded ?? null;
  // A price of the catalog, of this member's role: anything else is stored, flagged, grants nothing.
  const catalogEntry = known && known.role === user.role ? known : null;
  const row: NewSubscriptionRow = {
    ...subscriptionRow(user.id, subscription, fetched.card, nowIso, catalogEntry),
    stripe_read_at: fetched.readAt.toISOString(),
  };
  const invoiceRows = fetched.invoices
    .filter((i) => expandableId(i.customer) === customerId)
    .map((i) => invoiceRow(user.id, i, nowIso));
  // A second membership is ended by settleMembership (one-membership.server.ts), whose one
  // email says why.
  const second =
    catalogEntry !== null &&
    ((await resolvedAsConflict(db, subscription.id)) ||
      (["trialing", "active", "past_due"].includes(row.status) &&
        Object.values(
          await earlierMembership(
            db,
            {
              user_id: user.id,
              stripe_subscription_id: subscription.id,
              stripe_created_at: row.stripe_created_at,
            },
            now,
          ),
        ).some((v) => v !== undefined)));
  const emails =
    catalogEntry && !second
      ? billingEmailsFor(
          user,
          subscription,
          row,
          fetched.invoices,
          options,
          invoiceRows,
          nowIso,
          fetched.actionRequired ?? new Set(),
        )
      : [];

  return writeTransaction(db, async (trx) => {
    const before = await forUpdate(
      trx,
      trx
        .selectFrom("subscriptions")
        .selectAll()
        .where("stripe_subscription_id", "=", subscription.id),
    ).executeTakeFirst();
    // The row keeps the state of the read that started last: another instance may have stored a
    // read that started after this one while this one was under way. A losing read writes
    // nothing (no row, history, invoices, access or emails): the winner's effects stand.
    const stored = await trx
      .insertInto("subscriptions")
      .values(row)
      .onConflict((oc) =>
        oc
          .column("stripe_subscription_id")
          .doUpdateSet({ ...row, stripe_subscription_id: undefined })
          .where((eb) =>
            eb.or([
              eb("subscriptions.stripe_read_at", "is", null),
              eb("subscriptions.stripe_read_at", "<=", eb.ref("excluded.stripe_read_at")),
            ]),
          ),
      )
      .returning("id")
      .executeTakeFirst();
    if (!stored) {
      const newer = await trx
        .selectFrom("subscriptions")
        .select("stripe_read_at")
        .where("stripe_subscription_id", "=", subscription.id)
        .executeTakeFirstOrThrow();
      return {
        kind: "superseded" as const,
        userId: user.id,
        storedReadAt: newer.stripe_read_at ?? "",
      };
    }
    const drift = driftOf(before, row);
    if (current)
      await trx
        .insertInto("catalog_prices")
        .values({
          stripe_price_id: priceId,
          plan: current.plan,
          role: current.role,
          lookup_key: current.lookupKey,
          recorded_at: nowIso,
        })
        .onConflict((oc) => oc.column("stripe_price_id").doNothing())
        .execute();
    if (!catalogEntry)
      await recordConflict(
        trx,
        {
          userId: user.id,
          kind: "off_catalog_subscription",
          kept: null,
          resolved: `subscription:${subscription.id}`,
          action: "flagged",
          refundAmount: null,
          currency: row.currency,
          detail: `Subscription ${subscription.id} is on price ${priceId || "(none)"} (${formatMoney(row.amount, row.currency)} a ${row.interval}), which is not a ${user.role} price of the catalog: stored, grants no access.`,
          dedupeKey: `off-catalog:${subscription.id}`,
        },
        now,
      );
    if (before?.status !== row.status) {
      await trx
        .insertInto("subscription_status_history")
        .values({
          stripe_subscription_id: subscription.id,
          from_status: before?.status ?? null,
          to_status: row.status,
          cause: options.cause,
          at: nowIso,
        })
        .execute();
      const from = before?.status ?? null;
      afterCommit(trx, () =>
        log.info(
          {
            subscriptionId: subscription.id,
            userId: row.user_id,
            plan: row.plan,
            from,
            to: row.status,
            cause: options.cause,
          },
          "Subscription status changed",
        ),
      );
    }
    for (const invoice of invoiceRows) {
      const existing = await trx
        .selectFrom("invoices")
        .select(["status", "amount_paid"])
        .where("stripe_invoice_id", "=", invoice.stripe_invoice_id)
        .executeTakeFirst();
      if (
        existing &&
        (existing.status !== invoice.status || existing.amount_paid !== invoice.amount_paid)
      ) {
        drift.push(
          `invoice ${invoice.stripe_invoice_id}: status ${existing.status} -> ${invoice.status}`,
        );
      } else if (!existing) {
        drift.push(`invoice ${invoice.stripe_invoice_id}: new row (${invoice.status})`);
      }
      await trx
        .insertInto("invoices")
        .values(invoice)
        .onConflict((oc) =>
          oc.column("stripe_invoice_id").doUpdateSet({ ...invoice, stripe_invoice_id: undefined }),
        )
        .execute();
    }
    const accessDrift = await applyAccess(trx, user.id, now);
    if (accessDrift) drift.push(accessDrift);
    const queued: string[] = [];
    for (const email of emails) if (await enqueueEmail(trx, email)) queued.push(email.dedupeKey);
    return {
      kind: "synced" as const,
      userId: user.id,
      status: row.status,
      previousStatus: before?.status ?? null,
      drift,
      emails: queued,
    };
  });
}

/** Recomputes users.subscription_status and access_expires_at; returns a drift line when they changed. */
export async function applyAccess(trx: DB, userId: number, now: Date): Promise<string | null> {
  // Locked until commit (Postgres): access is read and rewritten by fulfilments and syncs on any instance.
  const user = await forUpdate(
    trx,
    trx
      .selectFrom("users")
      .select(["subscription_status", "access_expires_at"])
      .where("id", "=", userId),
  ).executeTakeFirstOrThrow();
  const grants = await accessGrants(trx, userId);
  const complimentary = await trx
    .selectFrom("complimentary_access")
    .select((eb) => eb.fn.max("ends_at").as("ends"))
    .where("user_id", "=", userId)
    .executeTakeFirst();
  const decision = decideMembershipStatus({
    ...grants,
    complimentaryUntil: (complimentary?.ends as string | null | undefined) ?? null,
    now,
  });
  if (
    decision.subscription_status === user.subscription_status &&
    decision.access_expires_at === user.access_expires_at
  )
    return null;
  await trx
    .updateTable("users")
    .set({
      subscription_status: decision.subscription_status,
      access_expires_at: decision.access_expires_at,
      updated_at: now.toISOString(),
    })
    .where("id", "=", userId)
    .execute();
  return `user ${userId}: ${user.subscription_status} until ${user.access_expires_at ?? "-"} -> ${decision.subscription_status} until ${decision.access_expires_at ?? "-"}`;
}

/** Disputes in these states no longer hold anything back (Stripe's dispute statuses). */
const SETTLED_DISPUTE_STATUSES = ["won", "warning_closed", "prevented"];

/**
 * What grants the member access, for decideMembershipStatus: paid years (not refunded, not under a dispute
 * that is open or lost), catalog subscriptions (none of whose invoices is under such a dispute),
 * and when a grant was last taken back (a full refund of a year, a dispute opened).
 */
export async function accessGrants(
  trx: DB,
  userId: number,
): Promise<{
  paidYearEndsAt: string | null;
  subscriptions: SubscriptionFacts[];
  withdrawnAt: string | null;
}> {
  const disputes = await trx
    .selectFrom("disputes")
    .select(["payment_id", "stripe_invoice_id", "status", "stripe_created_at"])
    .where("user_id", "=", userId)
    .where("status", "not in", SETTLED_DISPUTE_STATUSES)
    .execute();
  const disputedPayments = new Set(disputes.map((d) => d.payment_id).filter((id) => id !== null));
  const disputedInvoices = disputes.map((d) => d.stripe_invoice_id).filter((id) => id !== null);
  const disputedSubscriptions = new Set(
    disputedInvoices.length === 0
      ? []
      : (
          await trx
            .selectFrom("invoices")
            .select("stripe_subscription_id")
            .where("stripe_invoice_id", "in", disputedInvoices)
            .execute()
        ).map((i) => i.stripe_subscription_id),
  );
  const payments = await trx
    .selectFrom("payments")
    .select(["id", "status", "access_ends_at", "refunded_at"])
    .where("user_id", "=", userId)
    .where("status", "in", ["paid", "refunded"])
    .execute();
  let paidYearEndsAt: string | null = null;
  let withdrawnAt: string | null = null;
  const latest = (a: string | null, b: string | null) =>
    a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;
  for (const p of payments) {
    if (p.status === "refunded") withdrawnAt = latest(withdrawnAt, p.refunded_at);
    else if (!disputedPayments.has(p.id)) paidYearEndsAt = latest(paidYearEndsAt, p.access_ends_at);
  }
  const subscriptions = await trx
    .selectFrom("subscriptions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("off_catalog", "=", 0)
    .execute();
  for (const d of disputes)
    if (d.payment_id !== null || d.stripe_invoice_id !== null)
      withdrawnAt = latest(withdrawnAt, d.stripe_created_at);
  return {
    paidYearEndsAt,
    subscriptions: subscriptions
      .filter((s) => !disputedSubscriptions.has(s.stripe_subscription_id))
      .map(factsOf),
    withdrawnAt,
  };
}

export function factsOf(
  row: Pick<SubscriptionRow, keyof SubscriptionFacts | "cancel_at_period_end">,
): SubscriptionFacts {
  return {
    status: row.status,
    current_period_end: row.current_period_end,
    trial_end: row.trial_end,
    cancel_at_period_end: row.cancel_at_period_end === 1,
    ended_at: row.ended_at,
    canceled_at: row.canceled_at,
    cancellation_reason: row.cancellation_reason,
    stripe_created_at: row.stripe_created_at,
  };
}

/**
 * The lifecycle emails this state calls for. Each is decided from Stripe's state (so a lost
 * event still gets its email on the next sync), except the trial reminder, which only Stripe's
 * trial_will_end announces. Only the subscription's latest invoice and the event's own invoice
 * can send: a first sync of old data sends no old receipts. The outbox's dedupe key keeps each
 * to one email per Stripe object however often the state is seen.
 */
function billingEmailsFor(
  user: User,
  subscription: Stripe.Subscription,
  row: NewSubscriptionRow,
  invoices: Stripe.Invoice[],
  options: SyncOptions,
  invoiceRows: NewInvoiceRow[],
  nowIso: string,
  actionRequired: ReadonlySet<string>,
): BillingEmail[] {
  const appUrl = env().appUrl;
  // The dates the emails give come from the member view, as the pages' do.
  const dates = subscriptionEmailDates(
    memberSubscriptionFacts(row),
    invoiceRows.map(invoiceFacts),
    user.role,
    new Date(nowIso),
  );
  const manageUrl = `${appUrl}/billing/portal`;
  const billingUrl = `${appUrl}/dashboard/${user.role}/billing`;
  const planName = planById(row.plan, row.currency)?.name ?? row.plan;
  // Raw values: the dispatcher writes them in the member's language when it sends.
  const plan = row.plan;
  const price = {
    amount: row.amount,
    currency: row.currency,
    interval: row.interval as BillingInterval,
  };
  const fmt = (value: string | null | undefined) => value ?? "-";
  const to = user.email;
  const emails: BillingEmail[] = [];

  const relevant = new Set(
    [expandableId(subscription.latest_invoice), options.invoiceId ?? null].filter(
      (v): v is string => v !== null,
    ),
  );
  for (const invoice of invoices.filter((i) => relevant.has(i.id))) {
    const amount = {
      amount: invoice.amount_paid || invoice.amount_due,
      currency: invoice.currency,
    };
    if (
      invoice.billing_reason === "subscription_create" &&
      (invoice.status === "paid" || subscription.status === "trialing")
    ) {
      emails.push({
        dedupeKey: billingEmailKeys.started(subscription.id),
        to,
        template: "subscription-started",
        props: {
          name: user.name,
          plan,
          planName,
          price,
          trialEndsOn: subscription.status === "trialing" ? fmt(row.trial_end) : null,
          amountPaid:
            invoice.amount_paid > 0
              ? { amount: invoice.amount_paid, currency: invoice.currency }
              : null,
          renewsOn: fmt(row.current_period_end),
          reference: subscription.id,
          billingUrl,
          manageUrl,
        },
      });
    } else if (
      invoice.status === "paid" &&
      invoice.amount_paid > 0 &&
      invoice.billing_reason !== "subscription_create"
    ) {
      emails.push({
        dedupeKey: billingEmailKeys.renewalReceipt(invoice.id),
        to,
        template: "renewal-receipt",
        props: {
          name: user.name,
          plan,
          planName,
          amount,
          paidOn: fmt(iso(invoice.status_transitions?.paid_at)),
          invoiceNumber: invoice.number ?? invoice.id,
          periodEndsOn: fmt(row.current_period_end),
          invoiceUrl: invoice.hosted_invoice_url ?? billingUrl,
          nextChargeOn: dates.nextChargeOn ? fmt(dates.nextChargeOn) : null,
          manageUrl,
        },
      });
    } else if (
      invoice.status === "open" &&
      invoice.amount_due > 0 &&
      subscription.status !== "canceled" &&
      (actionRequired.has(invoice.id) ||
        (options.eventType === "invoice.payment_action_required" &&
          options.invoiceId === invoice.id))
    ) {
      // The bank asks the member to authenticate (3-D Secure): only the invoice's hosted page
      // can confirm it; a new card in the portal would not.
      emails.push({
        dedupeKey: billingEmailKeys.actionRequired(invoice.id),
        to,
        template: "payment-action-required",
        props: {
          name: user.name,
          plan,
          planName,
          amount,
          invoiceNumber: invoice.number ?? invoice.id,
          invoiceUrl: invoice.hosted_invoice_url ?? billingUrl,
        },
      });
    } else if (
      invoice.status === "open" &&
      invoice.attempted &&
      invoice.amount_due > 0 &&
      subscription.status !== "canceled"
    ) {
      emails.push({
        dedupeKey: billingEmailKeys.paymentFailed(invoice.id),
        to,
        template: "subscription-payment-failed",
        props: {
          name: user.name,
          plan,
          planName,
          amount,
          invoiceNumber: invoice.number ?? invoice.id,
          updateCardUrl: `${appUrl}/billing/portal?flow=update_card`,
          retryOn: dates.retryOn ? fmt(dates.retryOn) : null,
          accessStopsOn: dates.accessStopsOn ? fmt(dates.accessStopsOn) : null,
          manageUrl,
        },
      });
    }
  }
  if (
    options.eventType === "customer.subscription.trial_will_end" &&
    subscription.status === "trialing" &&
    row.trial_end
  ) {
    emails.push({
      dedupeKey: billingEmailKeys.trialEnding(subscription.id, row.trial_end),
      to,
      template: "trial-ending",
      props: {
        name: user.name,
        plan,
        planName,
        trialEndsOn: fmt(row.trial_end),
        price,
        billingUrl,
        manageUrl,
      },
    });
  }
  if (subscription.status === "canceled") {
    emails.push({
      dedupeKey: billingEmailKeys.cancelled(subscription.id),
      to,
      template: "subscription-cancelled",
      props: {
        name: user.name,
        plan,
        planName,
        endedOn: fmt(row.ended_at ?? row.canceled_at),
        unpaid: row.cancellation_reason === "payment_failed",
        paymentUrl: `${appUrl}/dashboard/${user.role}/payment`,
      },
    });
  }
  return emails;
}
