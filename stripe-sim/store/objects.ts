import type Stripe from "stripe";
import type { SqliteDatabase } from "./database.js";
import type { ObjectTable } from "./schema.js";

/** What each table holds: the SDK's own types, so any drift from Stripe fails the typecheck. */
export interface TableObjects {
  customers: Stripe.Customer | Stripe.DeletedCustomer;
  products: Stripe.Product;
  prices: Stripe.Price;
  checkout_sessions: Stripe.Checkout.Session;
  payment_intents: Stripe.PaymentIntent;
  charges: Stripe.Charge;
  payment_methods: Stripe.PaymentMethod;
  events: Stripe.Event;
  webhook_endpoints: Stripe.WebhookEndpoint;
  subscriptions: Stripe.Subscription;
  invoices: Stripe.Invoice;
  invoiceitems: Stripe.InvoiceItem;
  test_clocks: Stripe.TestHelpers.TestClock | Stripe.TestHelpers.DeletedTestClock;
  billing_portal_configurations: Stripe.BillingPortal.Configuration;
  billing_portal_sessions: Stripe.BillingPortal.Session;
  setup_intents: Stripe.SetupIntent;
  refunds: Stripe.Refund;
  disputes: Stripe.Dispute;
  balance_transactions: Stripe.BalanceTransaction;
  tax_ids: Stripe.TaxId;
}

/** A filter on one JSON field: `$.email = value`, or membership when value is an array. */
export interface JsonFilter {
  path: string;
  value: string | number | boolean | null | ReadonlyArray<string>;
}

export interface PageQuery {
  limit: number;
  /** seq of the starting_after object: return older rows. */
  afterSeq?: number;
  /** seq of the ending_before object: return newer rows. */
  beforeSeq?: number;
  filters?: JsonFilter[];
  /** Raw SQL condition on `data`, for filters JsonFilter cannot express (wildcards). */
  where?: { sql: string; args: unknown[] };
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

interface Row {
  seq: number;
  data: string;
}

export class ObjectStore {
  constructor(private readonly db: SqliteDatabase) {}

  get<T extends ObjectTable>(table: T, id: string): TableObjects[T] | undefined {
    const row = this.db.prepare(`SELECT data FROM ${table} WHERE id = ?`).get(id) as
      Row | undefined;
    return row ? (JSON.parse(row.data) as TableObjects[T]) : undefined;
  }

  insert<T extends ObjectTable>(table: T, object: TableObjects[T] & { id: string }): void {
    const created = "created" in object && typeof object.created === "number" ? object.created : 0;
    this.db
      .prepare(`INSERT INTO ${table} (id, created, data) VALUES (?, ?, ?)`)
      .run(object.id, created, JSON.stringify(object));
  }

  replace<T extends ObjectTable>(table: T, object: TableObjects[T] & { id: string }): void {
    const info = this.db
      .prepare(`UPDATE ${table} SET data = ? WHERE id = ?`)
      .run(JSON.stringify(object), object.id);
    if (info.changes !== 1) throw new Error(`replace: no ${table} row ${object.id}`);
  }

  delete(table: ObjectTable, id: string): void {
    this.db.prepare(`DELETE FROM ${table} WHERE id = ?`).run(id);
  }

  seqOf(table: ObjectTable, id: string): number | undefined {
    const row = this.db.prepare(`SELECT seq FROM ${table} WHERE id = ?`).get(id) as
      { seq: number } | undefined;
    return row?.seq;
  }

  /** Newest first, Stripe's cursor semantics: starting_after pages older, ending_before newer. */
  list<T extends ObjectTable>(table: T, query: PageQuery): Page<TableObjects[T]> {
    const conditions: string[] = [];
    const args: unknown[] = [];
    for (const filter of query.filters ?? []) {
      if (Array.isArray(filter.value)) {
        const values = filter.value as ReadonlyArray<string>;
        if (values.length === 0) return { data: [], hasMore: false };
        conditions.push(`json_extract(data, ?) IN (${values.map(() => "?").join(", ")})`);
        args.push(filter.path, ...values);
      } else if (filter.value === null) {
        conditions.push(`json_extract(data, ?) IS NULL`);
        args.push(filter.path);
      } else {
        conditions.push(`json_extract(data, ?) = ?`);
        args.push(
          filter.path,
          typeof filter.value === "boolean" ? (filter.value ? 1 : 0) : filter.value,
        );
      }
    }
    if (query.where) {
      conditions.push(`(${query.where.sql})`);
      args.push(...query.where.args);
    }
    const ascending = query.beforeSeq !== undefined && query.afterSeq === undefined;
    if (query.afterSeq !== undefined) {
      conditions.push("seq < ?");
      args.push(query.afterSeq);
    } else if (query.beforeSeq !== undefined) {
      conditions.push("seq > ?");
      args.push(query.beforeSeq);
    }
    const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const order = ascending ? "ASC" : "DESC";
    const rows = this.db
      .prepare(`SELECT seq, data FROM ${table} ${where} ORDER BY seq ${order} LIMIT ?`)
      .all(...args, query.limit + 1) as Row[];
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (ascending) page.reverse();
    return { data: page.map((row) => JSON.parse(row.data) as TableObjects[T]), hasMore };
  }

  all<T extends ObjectTable>(table: T): TableObjects[T][] {
    const rows = this.db.prepare(`SELECT data FROM ${table} ORDER BY seq`).all() as Row[];
    return rows.map((row) => JSON.parse(row.data) as TableObjects[T]);
  }
}
