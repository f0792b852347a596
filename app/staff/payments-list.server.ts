import { sql } from "kysely";
import { z } from "zod";
import type { DB, Role } from "../../db/schema";
import { ROLES } from "../lib/roles";
import { csvLine } from "./csv";

export const PAYMENTS_PAGE_SIZE = 50;
const CSV_BATCH = 1000;
import { INVOICE_STATUSES, PAYMENT_STATUSES } from "./constants";

export { INVOICE_STATUSES, PAYMENT_STATUSES };

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
  .optional()
  .catch(undefined);

const filterSchema = z.object({
  kind: z.enum(["payments", "invoices"]).catch("payments").default("payments"),
  status: z.string().max(20).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  from: date,
  to: date,
});

export interface PaymentFilters {
  kind: "payments" | "invoices";
  status: string | undefined;
  role: Role | undefined;
  from: string | undefined;
  to: string | undefined;
}

export interface Cursor {
  at: string;
  id: number;
}

/** The filters of /staff/payments and /staff/payments.csv; anything unknown is ignored. */
export function parsePaymentFilters(url: URL): { filters: PaymentFilters; cursor: Cursor | null } {
  const p = url.searchParams;
  const parsed = filterSchema.parse({
    kind: p.get("kind") ?? undefined,
    status: p.get("status") || undefined,
    role: p.get("role") || undefined,
    from: p.get("from") || undefined,
    to: p.get("to") || undefined,
  });
  const statuses: readonly string[] =
    parsed.kind === "payments" ? PAYMENT_STATUSES : INVOICE_STATUSES;
  const filters: PaymentFilters = {
    kind: parsed.kind,
    status: parsed.status && statuses.includes(parsed.status) ? parsed.status : undefined,
    role: parsed.role,
    from: parsed.from,
    to: parsed.to,
  };
  return { filters, cursor: parseCursor(p.get("after")) };
}

/** "<ISO time>~<id>": the keyset position after which the next page starts. */
export function parseCursor(value: string | null): Cursor | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)~([1-9]\d{0,14})$/.exec(
    value ?? "",
  );
  if (!match || Number.isNaN(Date.parse(match[1]!))) return null;
  return { at: match[1]!, id: Number(match[2]) };
}

export function cursorOf(row: { created_at: string; id: number }): string {
  return `${row.created_at}~${row.id}`;
}

function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000).toISOString();
}

export interface MoneyRow {
  kind: "payment" | "invoice";
  id: number;
  created_at: string;
  paid_at: string | null;
  name: string;
  email: string;
  role: Role;
  plan: string | null;
  amount: number;
  currency: string;
  status: string;
  refunded_amount: number;
  invoice_number: string | null;
  stripe_payment_intent_id: string | null;
  stripe_checkout_session_id: string | null;
  stripe_invoice_id: string | null;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
}

/**
 * A page of payments (or invoices), newest first, keyset by (created_at, id) through the
 * (created_at, id) and (status, created_at, id) indexes; the member comes from the users
 * primary key, the invoice number from the invoices' unique Stripe id.
 */
export async function listMoney(
  database: DB,
  filters: PaymentFilters,
  cursor: Cursor | null,
  limit = PAYMENTS_PAGE_SIZE,
): Promise<MoneyRow[]> {
  if (filters.kind === "invoices") return listInvoices(database, filters, cursor, limit);
  let query = database
    .selectFrom("payments as p")
    .innerJoin("users as u", "u.id", "p.user_id")
    .leftJoin("invoices as i", "i.stripe_invoice_id", "p.stripe_invoice_id")
    .select([
      sql<"payment">`'payment'`.as("kind"),
      "p.id",
      "p.created_at",
      "p.paid_at",
      "u.name",
      "u.email",
      "u.role",
      "p.plan",
      "p.amount",
      "p.currency",
      "p.status",
      "p.refunded_amount",
      "i.number as invoice_number",
      "p.stripe_payment_intent_id",
      "p.stripe_checkout_session_id",
      "p.stripe_invoice_id",
      "p.stripe_customer_id",
      "i.stripe_subscription_id",
    ])
    .orderBy("p.created_at", "desc")
    .orderBy("p.id", "desc")
    .limit(limit);
  if (filters.status) query = query.where("p.status", "=", filters.status as never);
  if (filters.role) query = query.where("u.role", "=", filters.role);
  if (filters.from) query = query.where("p.created_at", ">=", `${filters.from}T00:00:00.000Z`);
  if (filters.to) query = query.where("p.created_at", "<", dayAfter(filters.to));
  if (cursor)
    query = query.where((eb) =>
      eb(eb.refTuple("p.created_at", "p.id"), "<", eb.tuple(cursor.at, cursor.id)),
    );
  return (await query.execute()) as MoneyRow[];
}

async function listInvoices(
  database: DB,
  filters: PaymentFilters,
  cursor: Cursor | null,
  limit: number,
): Promise<MoneyRow[]> {
  let query = database
    .selectFrom("invoices as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .leftJoin("subscriptions as s", "s.stripe_subscription_id", "i.stripe_subscription_id")
    .select([
      sql<"invoice">`'invoice'`.as("kind"),
      "i.id",
      "i.stripe_created_at as created_at",
      "i.paid_at",
      "u.name",
      "u.email",
      "u.role",
      "s.plan",
      "i.amount_paid as amount",
      "i.currency",
      sql<string>`coalesce(i.status, 'draft')`.as("status"),
      "i.refunded_amount",
      "i.number as invoice_number",
      "i.stripe_payment_intent_id",
      sql<null>`null`.as("stripe_checkout_session_id"),
      "i.stripe_invoice_id",
      "s.stripe_customer_id",
      "i.stripe_subscription_id",
    ])
    .orderBy("i.stripe_created_at", "desc")
    .orderBy("i.id", "desc")
    .limit(limit);
  if (filters.status) query = query.where("i.status", "=", filters.status);
  if (filters.role) query = query.where("u.role", "=", filters.role);
  if (filters.from)
    query = query.where("i.stripe_created_at", ">=", `${filters.from}T00:00:00.000Z`);
  if (filters.to) query = query.where("i.stripe_created_at", "<", dayAfter(filters.to));
  if (cursor)
    query = query.where((eb) =>
      eb(eb.refTuple("i.stripe_created_at", "i.id"), "<", eb.tuple(cursor.at, cursor.id)),
    );
  return (await query.execute()) as MoneyRow[];
}

export const CSV_HEADER = [
  "date",
  "member",
  "email",
  "role",
  "plan",
  "amount_minor_units",
  "currency",
  "status",
  "refunded_minor_units",
  "invoice_number",
  "kind",
  "stripe_payment_intent",
  "stripe_checkout_session",
  "stripe_invoice",
  "stripe_customer",
  "stripe_subscription",
];

function csvRow(r: MoneyRow): string {
  return csvLine([
    r.paid_at ?? r.created_at,
    r.name,
    r.email,
    r.role,
    r.plan,
    r.amount,
    r.currency.toUpperCase(),
    r.status,
    r.refunded_amount,
    r.invoice_number,
    r.kind,
    r.stripe_payment_intent_id,
    r.stripe_checkout_session_id,
    r.stripe_invoice_id,
    r.stripe_customer_id,
    r.stripe_subscription_id,
  ]);
}

/**
 * The rows of the filters as CSV, streamed: each pull reads the next keyset batch of 1,000, so
 * memory stays flat however many rows there are (a million payments included). Without a
 * `kind` filter, payments come first, then invoices.
 */
export function moneyCsvStream(
  database: DB,
  filters: PaymentFilters,
  kinds: PaymentFilters["kind"][],
  batch = CSV_BATCH,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let kindIndex = 0;
  let cursor: Cursor | null = null;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        // A byte order mark so spreadsheets read the names as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${csvLine(CSV_HEADER)}`));
        return;
      }
      for (;;) {
        const kind = kinds[kindIndex];
        if (!kind) {
          controller.close();
          return;
        }
        const rows = await listMoney(database, { ...filters, kind }, cursor, batch);
        if (rows.length < batch) {
          kindIndex++;
          cursor = null;
        } else cursor = { at: rows.at(-1)!.created_at, id: rows.at(-1)!.id };
        if (rows.length > 0) {
          controller.enqueue(encoder.encode(rows.map(csvRow).join("")));
          return;
        }
      }
    },
  });
}
