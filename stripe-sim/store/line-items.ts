import type Stripe from "stripe";
import type { SqliteDatabase } from "./database.js";
import type { Page } from "./objects.js";

/** Checkout line items live beside their session: Stripe only returns them on request. */
export class LineItemStore {
  constructor(private readonly db: SqliteDatabase) {}

  insert(sessionId: string, item: Stripe.LineItem): void {
    this.db
      .prepare("INSERT INTO checkout_line_items (id, session_id, data) VALUES (?, ?, ?)")
      .run(item.id, sessionId, JSON.stringify(item));
  }

  all(sessionId: string): Stripe.LineItem[] {
    const rows = this.db
      .prepare("SELECT data FROM checkout_line_items WHERE session_id = ? ORDER BY seq")
      .all(sessionId) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as Stripe.LineItem);
  }

  /** Line items page in the order they were given (oldest first), unlike other lists. */
  page(
    sessionId: string,
    limit: number,
    startingAfter?: string,
    endingBefore?: string,
  ): Page<Stripe.LineItem> {
    const items = this.all(sessionId);
    let start = 0;
    let end = items.length;
    if (startingAfter) start = items.findIndex((item) => item.id === startingAfter) + 1;
    if (endingBefore) {
      end = Math.max(
        0,
        items.findIndex((item) => item.id === endingBefore),
      );
      start = Math.max(0, end - limit);
    }
    const data = items.slice(start, Math.min(end, start + limit));
    return { data, hasMore: start + limit < end };
  }
}
