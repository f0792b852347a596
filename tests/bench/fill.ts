import SQLite from "better-sqlite3";

// Fills an app database (already migrated) to a production-like size, fast: one transaction
// per table, prepared statements, no fsync while filling. Rows look like the app's own (the
// same columns, statuses and time spread) so indexes and page sizes are realistic.

export interface FillSizes {
  users: number;
  payments: number;
  events: number;
  outbox: number;
}

export const LARGE: FillSizes = {
  users: 100_000,
  payments: 1_000_000,
  events: 1_000_000,
  outbox: 300_000,
};

const DAY_MS = 24 * 60 * 60 * 1000;
const ROLES = ["talent", "professional", "company"] as const;
const AMOUNT = { talent: 30000, professional: 150000, company: 350000 };
const PLAN = {
  talent: "talent_annual_membership",
  professional: "professional_annual_access",
  company: "company_annual_access",
};
/** about the size of a rendered confirmation email */
const HTML = `<!DOCTYPE html><html><body>${"<p>Thank you for your payment. Your access is active.</p>".repeat(70)}</body></html>`;
/** sent bodies younger than this are kept (the retention window); older ones are dropped */
const BODY_DAYS = 30;

export function fillDatabase(path: string, sizes: FillSizes = LARGE, now: Date = new Date()): void {
  const db = new SQLite(path);
  // No journal and a large cache while filling: a crash only loses a scratch database.
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1000000");
  const iso = (ms: number) => new Date(ms).toISOString();
  // Keys in insertion order (zero-padded) append to their unique indexes instead of splitting pages.
  const key = (i: number) => String(i).padStart(9, "0");
  const ago = (i: number, n: number) => now.getTime() - Math.floor((i / n) * 730 * DAY_MS) - 60_000;

  const firstUser =
    (db.prepare("select coalesce(max(id), 0) as n from users").get() as { n: number }).n + 1;
  const users = db.prepare(
    "insert into users (id, email, name, role, password_hash, subscription_status, access_expires_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < sizes.users; i++) {
      const id = firstUser + i;
      const created = ago(i, sizes.users);
      const role = ROLES[i % 3]!;
      // a third active (ends spread over the next year), a third expired, a third never paid
      const kind = i % 3;
      const status = kind === 0 ? "ACTIVE" : kind === 1 ? "EXPIRED" : "NONE";
      const ends =
        kind === 0
          ? iso(now.getTime() + ((i * 7919) % 365) * DAY_MS + DAY_MS)
          : kind === 1
            ? iso(created + 365 * DAY_MS)
            : null;
      users.run(
        id,
        `filler-${key(id)}@example.test`,
        `Filler ${id}`,
        role,
        "scrypt$filler",
        status,
        ends,
        iso(created),
        iso(created),
      );
    }
  })();

  const payments = db.prepare(
    `insert into payments (user_id, plan, amount, currency, status, idempotency_key, stripe_checkout_session_id, checkout_url,
      checkout_expires_at, stripe_payment_intent_id, stripe_customer_id, access_starts_at, access_ends_at, paid_at, created_at, updated_at)
     values (?, ?, ?, 'mad', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < sizes.payments; i++) {
      // each user's payments together, so the (user_id, created_at) index is appended to
      const userId =
        firstUser + Math.min(sizes.users - 1, Math.floor((i * sizes.users) / sizes.payments));
      const role = ROLES[(userId - firstUser) % 3]!;
      const created = ago(i, sizes.payments);
      const session = `cs_test_fill_${key(i)}`;
      const paid = i % 4 !== 3;
      const status = paid ? "paid" : i % 8 === 3 ? "expired" : "failed";
      payments.run(
        userId,
        PLAN[role],
        AMOUNT[role],
        status,
        `fill-${key(i)}`,
        session,
        `https://checkout.stripe.com/c/pay/${session}`,
        iso(created + 3_900_000),
        paid ? `pi_fill_${key(i)}` : null,
        `cus_fill_${userId}`,
        paid ? iso(created) : null,
        paid ? iso(created + 365 * DAY_MS) : null,
        paid ? iso(created) : null,
        iso(created),
        iso(created),
      );
    }
  })();

  const events = db.prepare(
    "insert into stripe_webhook_events (event_id, event_type, processed, processed_at, note, attempt_count, created_at, updated_at) values (?, ?, 1, ?, ?, 1, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < sizes.events; i++) {
      // within the 90-day reconciliation window, as retention leaves the table
      const at = iso(now.getTime() - Math.floor((i / sizes.events) * 89 * DAY_MS) - 60_000);
      const type = i % 5 === 0 ? "payment_intent.succeeded" : "checkout.session.completed";
      events.run(
        `evt_fill_${key(i)}`,
        type,
        at,
        i % 5 === 0 ? "event type not handled by this app" : null,
        at,
        at,
      );
    }
  })();

  const outbox = db.prepare(
    `insert into email_outbox (dedupe_key, to_email, template, template_version, props, subject, html, text, status, attempts,
      provider_message_id, next_attempt_at, created_at, sent_at, body_dropped_at) values (?, ?, 'payment-confirmation', 1, ?, ?, ?, ?, 'sent', 1, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < sizes.outbox; i++) {
      const at = ago(i, sizes.outbox);
      const keep = now.getTime() - at < BODY_DAYS * DAY_MS;
      const userId = firstUser + (i % sizes.users);
      outbox.run(
        `payment-confirmation:fill-${key(i)}`,
        `filler-${key(userId)}@example.test`,
        keep
          ? JSON.stringify({
              name: `Filler ${userId}`,
              planName: "Talent annual membership",
              amount: "300 MAD",
            })
          : null,
        keep ? "Payment received: Talent annual membership" : null,
        keep ? HTML : null,
        keep ? "Thank you for your payment." : null,
        `pm-fill-${i}`,
        iso(at),
        iso(at),
        iso(at),
        keep ? null : iso(at + BODY_DAYS * DAY_MS),
      );
    }
  })();
  db.exec("analyze");
  db.pragma("journal_mode = WAL");
  db.close();
}

// As a command: `tsx tests/bench/fill.ts <database>` fills a migrated database to the large size.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const path = process.argv[2];
  if (!path) throw new Error("usage: tsx tests/bench/fill.ts <database file>");
  const started = performance.now();
  fillDatabase(path);
  console.log(`filled ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
