import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { ROLES } from "../lib/roles";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { INVOICE_STATUSES, PAYMENT_STATUSES } from "../staff/constants";
import {
  cursorOf,
  listMoney,
  parsePaymentFilters,
  PAYMENTS_PAGE_SIZE,
} from "../staff/payments-list.server";
import { PAYMENT_STATUS_KEYS, ROLE_KEYS, useStaffText } from "../staff/text";
import { KeysetPager } from "../components/staff/keyset-pager";
import { StaffTable } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";
import type { PaymentStatus } from "../../db/schema";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:payments.title")} | ${t("staff:title")}`,
};

function isPaymentStatus(status: string): status is PaymentStatus {
  return (PAYMENT_STATUSES as readonly string[]).includes(status);
}

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const url = new URL(request.url);
  const { filters, cursor } = parsePaymentFilters(url);
  const rows = await listMoney(db(), filters, cursor, PAYMENTS_PAGE_SIZE + 1);
  const page = rows.slice(0, PAYMENTS_PAGE_SIZE);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  const csvPath = `/staff/payments.csv?${params}`;
  const firstPath = `/staff/payments?${params}`;
  if (rows.length > PAYMENTS_PAGE_SIZE) params.set("after", cursorOf(page.at(-1)!));
  return data(
    {
      filters: {
        kind: filters.kind,
        status: filters.status ?? "",
        role: filters.role ?? "",
        from: filters.from ?? "",
        to: filters.to ?? "",
      },
      rows: page.map((r) => ({
        key: `${r.kind}-${r.id}`,
        date: f.date(r.paid_at ?? r.created_at),
        name: r.name,
        email: r.email,
        role: r.role,
        plan: r.plan ?? "-",
        amount: f.money(r),
        kind: r.kind,
        status: r.status,
        refunded:
          r.refunded_amount > 0
            ? f.money({ amount: r.refunded_amount, currency: r.currency })
            : null,
        invoice: r.invoice_number,
        stripeId: r.stripe_payment_intent_id ?? r.stripe_invoice_id ?? r.stripe_checkout_session_id,
      })),
      nextPath: rows.length > PAYMENTS_PAGE_SIZE ? `/staff/payments?${params}` : null,
      firstPath: cursor ? firstPath : null,
      csvPath,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffPayments() {
  const tr = useStaffText();
  const { filters, rows, nextPath, firstPath, csvPath } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:payments.title")}</h1>
      <Form method="get" className="card staff-filters">
        <div className="field">
          <label htmlFor="kind">{tr("staff:payments.kind")}</label>
          <select id="kind" name="kind" defaultValue={filters.kind}>
            <option value="payments">{tr("staff:payments.kindPayments")}</option>
            <option value="invoices">{tr("staff:payments.kindInvoices")}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">{tr("staff:columns.status")}</label>
          <select id="status" name="status" defaultValue={filters.status}>
            <option value="">{tr("staff:common.all")}</option>
            {filters.kind === "invoices"
              ? INVOICE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))
              : PAYMENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {tr(PAYMENT_STATUS_KEYS[s])}
                  </option>
                ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="role">{tr("staff:members.role")}</label>
          <select id="role" name="role" defaultValue={filters.role}>
            <option value="">{tr("staff:common.all")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tr(ROLE_KEYS[r])}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="from">{tr("staff:columns.from")}</label>
          <input id="from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div className="field">
          <label htmlFor="to">{tr("staff:columns.to")}</label>
          <input id="to" name="to" type="date" defaultValue={filters.to} />
        </div>
        <button type="submit" className="button">
          {tr("staff:common.filter")}
        </button>
      </Form>
      <p>
        <a href={csvPath} download>
          {tr("staff:payments.csv")}
        </a>
      </p>
      <StaffTable
        headers={[
          tr("staff:columns.date"),
          tr("staff:columns.member"),
          tr("staff:members.role"),
          tr("staff:columns.plan"),
          tr("staff:columns.amount"),
          tr("staff:columns.status"),
          tr("staff:columns.refunded"),
          tr("staff:columns.invoice"),
          tr("staff:columns.stripe"),
        ]}
        rows={rows}
        row={(r) => (
          <tr key={r.key}>
            <td>{r.date}</td>
            <td>
              {r.name}
              <br />
              <span className="muted">{r.email}</span>
            </td>
            <td>{tr(ROLE_KEYS[r.role])}</td>
            <td>{r.plan}</td>
            <td className="amount">{r.amount}</td>
            <td>
              {r.kind === "payment" && isPaymentStatus(r.status) ? (
                tr(PAYMENT_STATUS_KEYS[r.status])
              ) : (
                <code>{r.status}</code>
              )}
            </td>
            <td>{r.refunded ?? "-"}</td>
            <td>{r.invoice ?? "-"}</td>
            <td>
              <code>{r.stripeId ?? "-"}</code>
            </td>
          </tr>
        )}
      />
      <KeysetPager firstPath={firstPath} nextPath={nextPath} />
    </>
  );
}
