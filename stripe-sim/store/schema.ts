/**
 * One table per Stripe resource, each row the object's JSON as the API returns it. `seq` orders
 * lists newest first (created has only one-second resolution). Filters read the JSON with
 * json_extract, which is fast enough for the volumes a local stand-in sees.
 */
export const OBJECT_TABLES = [
  "customers",
  "products",
  "prices",
  "checkout_sessions",
  "payment_intents",
  "charges",
  "payment_methods",
  "events",
  "webhook_endpoints",
  "subscriptions",
  "invoices",
  "invoiceitems",
  "test_clocks",
  "billing_portal_configurations",
  "billing_portal_sessions",
  "setup_intents",
  "refunds",
  "disputes",
  "balance_transactions",
  "tax_ids",
] as const;

export type ObjectTable = (typeof OBJECT_TABLES)[number];

function objectTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    data TEXT NOT NULL
  );`;
}

export const SCHEMA_SQL = [
  ...OBJECT_TABLES.map(objectTableSql),
  `CREATE TABLE IF NOT EXISTS checkout_line_items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL,
    data TEXT NOT NULL
  );`,
  `CREATE INDEX IF NOT EXISTS checkout_line_items_session ON checkout_line_items (session_id, seq);`,
  // What a session was created with but does not show (payment_intent_data), needed at payment time.
  `CREATE TABLE IF NOT EXISTS checkout_session_settings (
    session_id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );`,
  // Stripe shows an endpoint's secret only when it is created, so it is kept outside the object.
  `CREATE TABLE IF NOT EXISTS webhook_endpoint_secrets (
    endpoint_id TEXT PRIMARY KEY,
    secret TEXT NOT NULL
  );`,
  // What the stand-in remembers about billing that Stripe does not show on objects (which
  // reminders were sent for a period, Checkout's subscription_data), keyed by owner id.
  `CREATE TABLE IF NOT EXISTS billing_notes (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
  );`,
  // Charges made with a dispute test card, waiting for their dispute to open (after the request
  // that paid them has finished, as Stripe's disputes arrive after the payment's own events).
  `CREATE TABLE IF NOT EXISTS pending_disputes (
    charge_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL
  );`,
  // SEPA Direct Debit charges waiting to succeed or fail (domain/sepa-debit.ts), due on the
  // stand-in's clock.
  `CREATE TABLE IF NOT EXISTS pending_debits (
    charge_id TEXT PRIMARY KEY,
    due_at INTEGER NOT NULL
  );`,
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    request_fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_ms INTEGER NOT NULL
  );`,
  `CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
  );`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_event ON webhook_deliveries (event_id);`,
  `CREATE TABLE IF NOT EXISTS webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    event_id TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    url TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER,
    duration_ms INTEGER NOT NULL,
    error TEXT,
    response_body TEXT,
    at_ms INTEGER NOT NULL
  );`,
  `CREATE INDEX IF NOT EXISTS webhook_attempts_event ON webhook_attempts (event_id, id);`,
];
