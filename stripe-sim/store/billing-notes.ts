import type { SqliteDatabase } from "./database.js";

/**
 * Small facts the stand-in keeps beside Stripe's objects, keyed by their owner's id: which
 * reminders a subscription period has had, and what a Checkout Session will create.
 */
export class BillingNotes {
  constructor(private readonly db: SqliteDatabase) {}

  get<T>(id: string): T | undefined {
    const row = this.db.prepare("SELECT data FROM billing_notes WHERE id = ?").get(id) as
      { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  set(id: string, value: unknown): void {
    this.db
      .prepare("INSERT OR REPLACE INTO billing_notes (id, data) VALUES (?, ?)")
      .run(id, JSON.stringify(value));
  }
}
