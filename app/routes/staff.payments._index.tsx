import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { db } from "../lib/db.server";
import { formatMoney } from "../lib/format";
import { roleLabel, ROLES } from "../lib/roles";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { INVOICE_STATUSES, PAYMENT_STATUSES } from "../staff/constants";
import {
  cursorOf,
  listMoney,
  parsePaymentFilters,
  PAYMENTS_PAGE_SIZE,
} from "../staff/payments-list.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
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
        date: (r.paid_at ?? r.created_at).slice(0, 10),
        name: r.name,
        email: r.email,
        role: roleLabel(r.role),
        plan: r.plan ?? "-",
        amount: formatMoney(r.amount, r.currency),
        status: r.status,
        refunded: r.refunded_amount > 0 ? formatMoney(r.refunded_amount, r.currency) : null,
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
  const statuses = filters.kind === "invoices" ? INVOICE_STATUSES : PAYMENT_STATUSES;
  return (
    <>
      <h1>{tr("staff:payments.title")}</h1>
      <Form method="get" className="card staff-filters">
        <div className="field">
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" defaultValue={filters.kind}>
            <option value="payments">Payments</option>
            <option value="invoices">Subscription invoices</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="status">Status</label>
          <select id="status" name="status" defaultValue={filters.status}>
            <option value="">{tr("staff:common.all")}</option>
            {statuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="role">Role</label>
          <select id="role" name="role" defaultValue={filters.role}>
            <option value="">{tr("staff:common.all")}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
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
      {rows.length === 0 ? (
        <p className="muted">{tr("staff:common.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Plan</th>
              <th scope="col">Amount</th>
              <th scope="col">Status</th>
              <th scope="col">Refunded</th>
              <th scope="col">Invoice</th>
              <th scope="col">Stripe</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{r.date}</td>
                <td>
                  {r.name}
                  <br />
                  <span className="muted">{r.email}</span>
                </td>
                <td>{r.role}</td>
                <td>{r.plan}</td>
                <td className="amount">{r.amount}</td>
                <td>{r.status}</td>
                <td>{r.refunded ?? "-"}</td>
                <td>{r.invoice ?? "-"}</td>
                <td>
                  <code>{r.stripeId ?? "-"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {firstPath ? <Link to={firstPath}>{tr("staff:common.first")}</Link> : null}
        {firstPath && nextPath ? " | " : null}
        {nextPath ? <Link to={nextPath}>{tr("staff:common.next")}</Link> : null}
      </p>
    </>
  );
}
