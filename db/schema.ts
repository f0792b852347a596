import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from "kysely";

// Every time column holds an ISO-8601 UTC string (new Date().toISOString()); booleans are 0/1.
type Timestamp = string;
type CreatedAt = ColumnType<Timestamp, Timestamp | undefined, never>;

export type Role = "talent" | "professional" | "company";
export type SubscriptionStatus = "NONE" | "ACTIVE" | "EXPIRED" | "CANCELLED";
/** refunded: paid, then refunded in full (payments.refunded_amount says how much) */
export type PaymentStatus = "pending" | "paid" | "failed" | "expired" | "canceled" | "refunded";
export type OutboxStatus = "pending" | "sent" | "failed";

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  subscription_status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined>;
  access_expires_at: Timestamp | null;
  /** a talent's line in the directory, at most 140 characters */
  headline: ColumnType<string | null, string | null | undefined>;
  /** 0 or 1: may use the staff console; set only by `npm run staff:grant` */
  is_staff: ColumnType<number, number | undefined>;
  /** "fr" or "en": the member's language for pages, emails and Stripe; null reads as French */
  locale: ColumnType<string | null, string | null | undefined>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  /** sha256 of the random session id held in the signed cookie */
  id: string;
  user_id: number;
  expires_at: Timestamp;
  user_agent: string | null;
  created_at: CreatedAt;
  /** when the session last proved its password again (staff money actions) */
  reauthenticated_at: ColumnType<Timestamp | null, Timestamp | null | undefined>;
}

export interface StripeCustomersTable {
  id: Generated<number>;
  user_id: number;
  stripe_customer_id: string;
  email: string;
  name: string | null;
  stripe_created_at: Timestamp | null;
  /** the test clock the customer lives on (STRIPE_TEST_CLOCKS=true, test mode only) */
  stripe_test_clock_id: ColumnType<string | null, string | null | undefined>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PaymentsTable {
  id: Generated<number>;
  user_id: number;
  plan: string;
  /** minor units of `currency` */
  amount: number;
  /** lowercase ISO 4217 code */
  currency: string;
  status: PaymentStatus;
  /** Idempotency-Key sent when the Checkout Session was created */
  idempotency_key: string;
  stripe_checkout_session_id: string | null;
  checkout_url: string | null;
  checkout_expires_at: Timestamp | null;
  stripe_payment_intent_id: string | null;
  stripe_invoice_id: string | null;
  stripe_customer_id: string | null;
  /** the access year this payment bought, set when it is paid */
  access_starts_at: Timestamp | null;
  access_ends_at: Timestamp | null;
  failure_message: string | null;
  paid_at: Timestamp | null;
  /** the card of a paid one-time payment and its receipt, read once from Stripe */
  card_brand: ColumnType<string | null, string | null | undefined>;
  card_last4: ColumnType<string | null, string | null | undefined>;
  receipt_url: ColumnType<string | null, string | null | undefined>;
  /** the invoice Stripe made for a one-time payment (stripe_invoice_id): number, page, PDF */
  invoice_number: ColumnType<string | null, string | null | undefined>;
  invoice_url: ColumnType<string | null, string | null | undefined>;
  invoice_pdf: ColumnType<string | null, string | null | undefined>;
  /** the buyer as given at Checkout: company (or payer) name, first tax id, address (JSON) */
  billing_name: ColumnType<string | null, string | null | undefined>;
  billing_tax_id_type: ColumnType<string | null, string | null | undefined>;
  billing_tax_id: ColumnType<string | null, string | null | undefined>;
  billing_address: ColumnType<string | null, string | null | undefined>;
  /** minor units refunded so far (Stripe's charge.amount_refunded) */
  refunded_amount: ColumnType<number, number | undefined>;
  refunded_at: ColumnType<Timestamp | null, Timestamp | null | undefined>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface StripeWebhookEventsTable {
  id: Generated<number>;
  event_id: string;
  event_type: string;
  /** 0 or 1 */
  processed: ColumnType<number, number | undefined>;
  processed_at: Timestamp | null;
  error_message: string | null;
  note: string | null;
  attempt_count: ColumnType<number, number | undefined>;
  /** the customer of the event's object, or the customer itself (migration 0083) */
  stripe_customer_id: ColumnType<string | null, string | null | undefined>;
  /** the event's PaymentIntent, or the PaymentIntent of its charge, refund or dispute */
  stripe_payment_intent_id: ColumnType<string | null, string | null | undefined>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface EmailOutboxTable {
  id: Generated<number>;
  dedupe_key: string;
  to_email: string;
  /** the template the dispatcher renders when it sends (see app/email/templates.server.ts) */
  template: string | null;
  template_version: number | null;
  /** the template's props as JSON, of that version */
  props: string | null;
  /** what was sent: filled when sent (or given pre-rendered), null once retention dropped it */
  subject: string | null;
  html: string | null;
  text: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined>;
  attempts: ColumnType<number, number | undefined>;
  last_error: string | null;
  provider_message_id: string | null;
  /** earliest time of the next send attempt (backoff) */
  next_attempt_at: Timestamp;
  /** a dispatcher holds the row until this time while it sends */
  claimed_until: Timestamp | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** when retention dropped the rendered body and the props; the row and its key stay */
  body_dropped_at: Timestamp | null;
}

/** A periodic job's lease: while it has not expired, only `holder` runs the job. */
export interface JobLeasesTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

/** A rate limit's sliding-window log, shared by every app instance. */
export interface RateLimitsTable {
  key: string;
  /** JSON array of the epoch milliseconds of the attempts still in the window, oldest first */
  hits: string;
  /** when the newest attempt leaves the window; the row can be deleted after */
  expires_at: Timestamp;
}

/** A Stripe subscription as last read from Stripe (app/billing/sync.server.ts). */
export interface SubscriptionsTable {
  id: Generated<number>;
  stripe_subscription_id: string;
  user_id: number;
  stripe_customer_id: string;
  /** catalog plan id (talent_monthly ...), or the price's lookup_key when not in the catalog */
  plan: string;
  interval: string;
  stripe_price_id: string;
  /** minor units of `currency` */
  amount: number;
  /** lowercase ISO 4217 code */
  currency: string;
  /** as Stripe names it: trialing, active, past_due, canceled, unpaid, incomplete ... */
  status: string;
  current_period_start: Timestamp | null;
  current_period_end: Timestamp | null;
  trial_start: Timestamp | null;
  trial_end: Timestamp | null;
  /** 0 or 1 */
  cancel_at_period_end: number;
  cancel_at: Timestamp | null;
  canceled_at: Timestamp | null;
  ended_at: Timestamp | null;
  /** cancellation_details.reason: cancellation_requested, payment_failed, payment_disputed */
  cancellation_reason: string | null;
  card_brand: string | null;
  card_last4: string | null;
  latest_invoice_id: string | null;
  /** 1: the price is not one the catalog ever had; the subscription grants nothing */
  off_catalog: ColumnType<number, number | undefined>;
  stripe_created_at: Timestamp;
  synced_at: Timestamp;
  /** when the Stripe read that wrote this row started: a row is only replaced by a later read */
  stripe_read_at: ColumnType<Timestamp | null, Timestamp | null | undefined>;
  created_at: CreatedAt;
}

export interface InvoicesTable {
  id: Generated<number>;
  stripe_invoice_id: string;
  user_id: number;
  stripe_subscription_id: string | null;
  number: string | null;
  /** as Stripe names it: draft, open, paid, uncollectible, void */
  status: string | null;
  amount_due: number;
  amount_paid: number;
  currency: string;
  billing_reason: string | null;
  period_start: Timestamp | null;
  period_end: Timestamp | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  paid_at: Timestamp | null;
  /** minor units refunded on the invoice's charge */
  refunded_amount: ColumnType<number, number | undefined>;
  stripe_payment_intent_id: ColumnType<string | null, string | null | undefined>;
  /** when Stripe next retries an open invoice whose payment failed */
  next_payment_attempt: ColumnType<Timestamp | null, Timestamp | null | undefined>;
  stripe_created_at: Timestamp;
  synced_at: Timestamp;
  created_at: CreatedAt;
}

export interface SubscriptionStatusHistoryTable {
  id: Generated<number>;
  stripe_subscription_id: string;
  from_status: string | null;
  to_status: string;
  /** the Stripe event id whose sync saw the change, or "sync" */
  cause: string;
  at: Timestamp;
}

/** A refund as last read from Stripe; user and payment are null for a charge this app does not know. */
export interface RefundsTable {
  id: Generated<number>;
  stripe_refund_id: string;
  stripe_charge_id: string | null;
  stripe_payment_intent_id: string | null;
  user_id: number | null;
  payment_id: number | null;
  stripe_invoice_id: string | null;
  /** minor units of `currency` */
  amount: number;
  currency: string;
  /** Stripe's: pending, requires_action, succeeded, failed, canceled */
  status: string;
  reason: string | null;
  stripe_created_at: Timestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A dispute (chargeback) as last read from Stripe. */
export interface DisputesTable {
  id: Generated<number>;
  stripe_dispute_id: string;
  stripe_charge_id: string;
  stripe_payment_intent_id: string | null;
  user_id: number | null;
  payment_id: number | null;
  stripe_invoice_id: string | null;
  /** minor units of `currency` */
  amount: number;
  currency: string;
  reason: string | null;
  /** Stripe's: warning_needs_response, needs_response, under_review, won, lost, warning_closed ... */
  status: string;
  stripe_created_at: Timestamp;
  closed_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A second membership the app ended (or a subscription it flagged), for the member and the staff. */
export interface MembershipConflictsTable {
  id: Generated<number>;
  user_id: number;
  /** second_subscription, year_during_subscription, subscription_during_year, off_catalog_subscription */
  kind: string;
  /** what stands: "payment:<id>" or "subscription:<sub_...>" */
  kept: string | null;
  /** what was ended or flagged: "payment:<id>" or "subscription:<sub_...>" */
  resolved: string;
  /** cancelled_and_refunded, refunded, flagged */
  action: string;
  refund_amount: number | null;
  currency: string | null;
  detail: string;
  dedupe_key: string;
  created_at: CreatedAt;
}

/** Every Stripe price the catalog has had: only these grant access. */
export interface CatalogPricesTable {
  stripe_price_id: string;
  plan: string;
  role: string;
  lookup_key: string;
  recorded_at: CreatedAt;
}

/** One staff action (app/staff/audit.server.ts). Append-only: triggers refuse update and delete. */
export interface StaffAuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  staff_user_id: number;
  staff_email: string;
  action: string;
  target_user_id: number | null;
  /** what inside the member's account: "payment 12", a Stripe id, "email 7" */
  target: string | null;
  reason: string | null;
  before_json: string | null;
  after_json: string | null;
  outcome: "done" | "failed";
  error: string | null;
  /** the submitted form's nonce: a resubmission writes no second entry */
  request_key: string | null;
}

/** Access given by staff without payment, until `ends_at` (app/staff/complimentary.server.ts). */
export interface ComplimentaryAccessTable {
  id: Generated<number>;
  user_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reason: string;
  granted_by: number;
  created_at: Timestamp;
}

/**
 * Money paid per UTC month, plan and currency (gross: payments paid or refunded), kept by
 * triggers on payments in the same transaction as each payment write (migration 0082). Read by
 * the staff overview; never written by application code.
 */
export interface RevenueMonthsTable {
  /** YYYY-MM */
  month: string;
  plan: string;
  currency: string;
  /** minor units; a string from PostgreSQL's bigint */
  amount: ColumnType<number | string, number, number>;
  payments: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  stripe_customers: StripeCustomersTable;
  payments: PaymentsTable;
  stripe_webhook_events: StripeWebhookEventsTable;
  email_outbox: EmailOutboxTable;
  job_leases: JobLeasesTable;
  rate_limits: RateLimitsTable;
  subscriptions: SubscriptionsTable;
  invoices: InvoicesTable;
  subscription_status_history: SubscriptionStatusHistoryTable;
  refunds: RefundsTable;
  disputes: DisputesTable;
  membership_conflicts: MembershipConflictsTable;
  catalog_prices: CatalogPricesTable;
  staff_audit_log: StaffAuditLogTable;
  complimentary_access: ComplimentaryAccessTable;
  revenue_months: RevenueMonthsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type StripeCustomer = Selectable<StripeCustomersTable>;
export type Payment = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type PaymentUpdate = Updateable<PaymentsTable>;
export type StripeWebhookEvent = Selectable<StripeWebhookEventsTable>;
export type EmailOutboxMessage = Selectable<EmailOutboxTable>;
export type NewEmailOutboxMessage = Insertable<EmailOutboxTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type NewSubscriptionRow = Insertable<SubscriptionsTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type NewInvoiceRow = Insertable<InvoicesTable>;
export type RefundRow = Selectable<RefundsTable>;
export type DisputeRow = Selectable<DisputesTable>;
export type MembershipConflictRow = Selectable<MembershipConflictsTable>;
export type StaffAuditEntry = Selectable<StaffAuditLogTable>;
export type ComplimentaryAccess = Selectable<ComplimentaryAccessTable>;

/** The database handle every data function takes first: the Kysely instance or a transaction. */
export type DB = Kysely<Database>;
