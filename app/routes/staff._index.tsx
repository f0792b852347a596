import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RevenueChart } from "../components/revenue-chart";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { formatMoney } from "../lib/format";
import { roleLabel } from "../lib/roles";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { REVENUE_CURRENCY, STATUSES } from "../staff/constants";
import { overview } from "../staff/overview.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const o = await overview(db(), clockNow());
  return data(
    {
      ...o,
      members: o.members.map((m) => ({ ...m, label: roleLabel(m.role) })),
      mrr: o.mrr.map((m) => ({ ...m, text: formatMoney(m.amount, m.currency) })),
      revenueTotals: o.revenue.map((r) => ({
        month: r.month,
        text: formatMoney(
          r.byRole.talent + r.byRole.professional + r.byRole.company,
          REVENUE_CURRENCY,
        ),
      })),
      currency: REVENUE_CURRENCY,
    },
    { headers: STAFF_HEADERS },
  );
}

export default function StaffOverview() {
  const tr = useStaffText();
  const o = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:overview.title")}</h1>
      <section className="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Members by role and status</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Role</th>
              {STATUSES.map((s) => (
                <th scope="col" key={s}>
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {o.members.map((m) => (
              <tr key={m.role}>
                <th scope="row">{m.label}</th>
                {STATUSES.map((s) => (
                  <td key={s}>
                    <Link to={`/staff/members?role=${m.role}&status=${s}`}>{m.byStatus[s]}</Link>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Complimentary access running (not revenue): {o.complimentaryRunning} member(s).
        </p>
      </section>
      <section className="card" aria-labelledby="revenue-heading">
        <h2 id="revenue-heading">Revenue per month (MAD, paid, before refunds)</h2>
        <RevenueChart bars={o.revenue} currency={o.currency} />
        <details>
          <summary>The figures</summary>
          <ul>
            {o.revenueTotals.map((r) => (
              <li key={r.month}>
                {r.month}: {r.text}
              </li>
            ))}
          </ul>
        </details>
      </section>
      <section className="card" aria-labelledby="health-heading">
        <h2 id="health-heading">Subscriptions, payments and delivery</h2>
        <dl className="account-facts">
          <dt>Monthly recurring revenue</dt>
          <dd>{o.mrr.length === 0 ? "0" : o.mrr.map((m) => m.text).join(", ")}</dd>
          <dt>Trials running</dt>
          <dd>{o.trialsRunning}</dd>
          <dt>Trials ending within 7 days</dt>
          <dd>{o.trialsEndingWithin7Days}</dd>
          <dt>Failed payments, last 30 days</dt>
          <dd>
            <Link to="/staff/payments?status=failed">{o.failedPayments30Days}</Link>
          </dd>
          <dt>Subscriptions with a failing payment</dt>
          <dd>{o.subscriptionsPaymentFailing}</dd>
          <dt>Open disputes, last 30 days</dt>
          <dd>{o.openDisputes30Days}</dd>
          <dt>Webhook events failing</dt>
          <dd>
            <Link to="/staff/events">{o.failingEvents}</Link>
          </dd>
          <dt>Emails failing</dt>
          <dd>
            <Link to="/staff/emails">{o.failingEmails}</Link>
          </dd>
          <dt>Oldest unsent email</dt>
          <dd>
            {o.oldestUnsent ? (
              <Link to={`/staff/emails/${o.oldestUnsent.id}`}>
                queued {o.oldestUnsent.created_at.slice(0, 16).replace("T", " ")} to{" "}
                {o.oldestUnsent.to_email}
              </Link>
            ) : (
              "none"
            )}
          </dd>
        </dl>
      </section>
    </>
  );
}
