import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { formatMoney } from "../lib/format";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import { parseMonth, previousMonth, reconcile } from "../staff/reconciliation.server";
import { useStaffText } from "../staff/text";

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** ?month=YYYY-MM (default: the month before this one); a month not begun yet is refused. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const now = clockNow();
  const raw = new URL(request.url).searchParams.get("month");
  const month = raw === null || raw === "" ? previousMonth(now) : parseMonth(raw, now);
  if (!month)
    return data(
      {
        month: raw?.slice(0, 20) ?? "",
        error: "Choose a month that has begun (YYYY-MM).",
        report: null,
        stripeError: null,
      },
      { status: 400, headers: STAFF_HEADERS },
    );
  try {
    const report = await reconcile(db(), stripe(), month);
    return data(
      {
        month,
        error: null,
        stripeError: null,
        report: {
          ...report,
          totals: report.totals.map((t) => ({
            currency: t.currency.toUpperCase(),
            rows: [
              ["Paid / charged", t.app.paid, t.stripe.charged],
              ["Refunded", t.app.refunded, t.stripe.refunded],
              ["Disputed", t.app.disputed, t.stripe.disputed],
            ].map(([label, app, remote]) => ({
              label: label as string,
              app: formatMoney(app as number, t.currency),
              stripe: formatMoney(remote as number, t.currency),
              differs: app !== remote,
            })),
            fees: t.stripe.fees === null ? null : formatMoney(t.stripe.fees, t.currency),
            net: t.stripe.net === null ? null : formatMoney(t.stripe.net, t.currency),
          })),
          differences: report.differences.map((d) => ({
            ...d,
            appText: d.app ? `${formatMoney(d.app.amount, d.app.currency)} ${d.app.status}` : "-",
            stripeText: d.stripe
              ? `${formatMoney(d.stripe.amount, d.stripe.currency)} ${d.stripe.status}`
              : "-",
          })),
        },
      },
      { headers: STAFF_HEADERS },
    );
  } catch (error) {
    return data(
      {
        month,
        error: null,
        report: null,
        stripeError: `Stripe could not be read: ${error instanceof Error ? error.message : String(error)}`,
      },
      { status: 502, headers: STAFF_HEADERS },
    );
  }
}

export default function StaffReconciliation() {
  const tr = useStaffText();
  const { month, error, stripeError, report } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:reconciliation.title")}</h1>
      <Form method="get" className="card staff-filters">
        <div className="field">
          <label htmlFor="month">Month</label>
          <input id="month" name="month" type="month" defaultValue={month} required />
          {error ? <p className="field-error">{error}</p> : null}
        </div>
        <button type="submit" className="button">
          Reconcile
        </button>
      </Form>
      {stripeError ? (
        <p className="notice bad" role="alert">
          {stripeError}
        </p>
      ) : null}
      {report ? (
        <>
          <section className="card" aria-labelledby="totals-heading">
            <h2 id="totals-heading">Totals for {report.month}</h2>
            {report.totals.length === 0 ? (
              <p className="muted">No money moved this month.</p>
            ) : null}
            {report.totals.map((t) => (
              <table key={t.currency}>
                <caption>{t.currency}</caption>
                <thead>
                  <tr>
                    <th scope="col" />
                    <th scope="col">The app</th>
                    <th scope="col">Stripe</th>
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((r) => (
                    <tr key={r.label} className={r.differs ? "differs" : undefined}>
                      <th scope="row">{r.label}</th>
                      <td className="amount">{r.app}</td>
                      <td className="amount">{r.stripe}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">Stripe fees / net</th>
                    <td />
                    <td className="amount">
                      {t.fees === null ? "not available" : `${t.fees} / ${t.net}`}
                    </td>
                  </tr>
                </tbody>
              </table>
            ))}
          </section>
          <section className="card" aria-labelledby="differences-heading">
            <h2 id="differences-heading">Differences</h2>
            {report.differences.length === 0 ? (
              <p data-testid="no-difference">
                No difference: the app and Stripe agree for {report.month}.
              </p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Object</th>
                    <th scope="col">Id</th>
                    <th scope="col">Why</th>
                    <th scope="col">The app</th>
                    <th scope="col">Stripe</th>
                  </tr>
                </thead>
                <tbody>
                  {report.differences.map((d) => (
                    <tr key={`${d.kind}-${d.id}`}>
                      <td>{d.kind}</td>
                      <td>
                        <code>{d.id}</code>
                      </td>
                      <td>{d.reason}</td>
                      <td>{d.appText}</td>
                      <td>{d.stripeText}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
