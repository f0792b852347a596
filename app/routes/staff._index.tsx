import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RevenueChart, revenueChartData } from "../components/revenue-chart";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { REVENUE_CURRENCY, STATUSES } from "../staff/constants";
import { overview } from "../staff/overview.server";
import { MEMBER_STATUS_KEYS, ROLE_KEYS, useStaffText } from "../staff/text";
import { StaffSection } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:overview.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const o = await overview(db(), clockNow());
  return data(
    {
      ...o,
      mrr: o.mrr.map((m) => ({ ...m, text: f.money(m) })),
      chart: revenueChartData(o.revenue, REVENUE_CURRENCY, f.language),
      revenueTotals: o.revenue.map((r) => ({
        month: r.month,
        name: f.month(r.month),
        text: f.money({
          amount: r.byRole.talent + r.byRole.professional + r.byRole.company,
          currency: REVENUE_CURRENCY,
        }),
      })),
      oldestUnsent: o.oldestUnsent && {
        ...o.oldestUnsent,
        queued: f.dateTime(o.oldestUnsent.created_at),
      },
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
      <StaffSection id="members" title={tr("staff:overview.members")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{tr("staff:members.role")}</th>
              {STATUSES.map((s) => (
                <th scope="col" key={s}>
                  {tr(MEMBER_STATUS_KEYS[s])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {o.members.map((m) => (
              <tr key={m.role}>
                <th scope="row">{tr(ROLE_KEYS[m.role])}</th>
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
          {tr("staff:overview.complimentaryRunning", { n: o.complimentaryRunning })}
        </p>
      </StaffSection>
      <StaffSection id="revenue" title={tr("staff:overview.revenue")}>
        <RevenueChart
          data={o.chart}
          title={tr("staff:overview.chartTitle", { currency: o.currency.toUpperCase() })}
          roleNames={{
            talent: tr(ROLE_KEYS.talent),
            professional: tr(ROLE_KEYS.professional),
            company: tr(ROLE_KEYS.company),
          }}
          barTitle={(role, month, amount) => tr("staff:overview.barTitle", { role, month, amount })}
        />
        <details>
          <summary>{tr("staff:overview.figures")}</summary>
          <ul>
            {o.revenueTotals.map((r) => (
              <li key={r.month}>
                {tr("staff:overview.monthTotal", { month: r.name, amount: r.text })}
              </li>
            ))}
          </ul>
        </details>
      </StaffSection>
      <StaffSection id="health" title={tr("staff:overview.health")}>
        <dl className="account-facts">
          <dt>{tr("staff:overview.mrr")}</dt>
          <dd>{o.mrr.length === 0 ? "0" : o.mrr.map((m) => m.text).join(", ")}</dd>
          <dt>{tr("staff:overview.trialsRunning")}</dt>
          <dd>{o.trialsRunning}</dd>
          <dt>{tr("staff:overview.trialsEnding")}</dt>
          <dd>{o.trialsEndingWithin7Days}</dd>
          <dt>{tr("staff:overview.failedPayments")}</dt>
          <dd>
            <Link to="/staff/payments?status=failed">{o.failedPayments30Days}</Link>
          </dd>
          <dt>{tr("staff:overview.subscriptionsFailing")}</dt>
          <dd>{o.subscriptionsPaymentFailing}</dd>
          <dt>{tr("staff:overview.openDisputes")}</dt>
          <dd>{o.openDisputes30Days}</dd>
          <dt>{tr("staff:overview.failingEvents")}</dt>
          <dd>
            <Link to="/staff/events">{o.failingEvents}</Link>
          </dd>
          <dt>{tr("staff:overview.failingEmails")}</dt>
          <dd>
            <Link to="/staff/emails">{o.failingEmails}</Link>
          </dd>
          <dt>{tr("staff:overview.oldestUnsent")}</dt>
          <dd>
            {o.oldestUnsent ? (
              <Link to={`/staff/emails/${o.oldestUnsent.id}`}>
                {tr("staff:overview.queuedTo", {
                  date: o.oldestUnsent.queued,
                  email: o.oldestUnsent.to_email,
                })}
              </Link>
            ) : (
              tr("staff:common.none")
            )}
          </dd>
        </dl>
      </StaffSection>
    </>
  );
}
