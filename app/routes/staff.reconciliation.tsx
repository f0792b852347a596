import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { requestWords } from "../i18n/words.server";
import { requireStaff, STAFF_HEADERS } from "../staff/guard.server";
import {
  parseMonth,
  previousMonth,
  reconcile,
  type Difference,
  type Kind,
} from "../staff/reconciliation.server";
import { type StaffKey, useStaffText } from "../staff/text";
import { StaffSection, StaffTable } from "../components/staff/table-section";
import type { RouteHandle } from "../i18n/handle";
import { errorMessage } from "../lib/errors";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t) => `${t("staff:reconciliation.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

/** ?month=YYYY-MM (default: the month before this one); a month not begun yet is refused. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request);
  const f = await requestWords(request);
  const now = clockNow();
  const raw = new URL(request.url).searchParams.get("month");
  const month = raw === null || raw === "" ? previousMonth(now) : parseMonth(raw, now);
  if (!month)
    return data(
      {
        month: raw?.slice(0, 20) ?? "",
        error: "staff:reconciliation.badMonth" as const,
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
          monthName: f.month(report.month),
          totals: report.totals.map((t) => ({
            currency: t.currency.toUpperCase(),
            rows: (
              [
                ["paid", t.app.paid, t.stripe.charged],
                ["refunded", t.app.refunded, t.stripe.refunded],
                ["disputed", t.app.disputed, t.stripe.disputed],
              ] as const
            ).map(([label, app, remote]) => ({
              label,
              app: f.money({ amount: app as number, currency: t.currency }),
              stripe: f.money({ amount: remote as number, currency: t.currency }),
              differs: app !== remote,
            })),
            fees:
              t.stripe.fees === null
                ? null
                : f.money({ amount: t.stripe.fees, currency: t.currency }),
            net:
              t.stripe.net === null
                ? null
                : f.money({ amount: t.stripe.net, currency: t.currency }),
          })),
          differences: report.differences.map((d) => ({
            ...d,
            appText: d.app ? `${f.money(d.app)} ${d.app.status}` : "-",
            stripeText: d.stripe ? `${f.money(d.stripe)} ${d.stripe.status}` : "-",
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
        stripeError: errorMessage(error),
      },
      { status: 502, headers: STAFF_HEADERS },
    );
  }
}

const TOTAL_KEYS: Record<"paid" | "refunded" | "disputed", StaffKey> = {
  paid: "staff:reconciliation.paid",
  refunded: "staff:reconciliation.refunded",
  disputed: "staff:reconciliation.disputed",
};

const KIND_KEYS: Record<Kind, StaffKey> = {
  charge: "staff:reconciliation.kindCharge",
  refund: "staff:reconciliation.kindRefund",
  dispute: "staff:reconciliation.kindDispute",
};

const REASON_KEYS: Record<Difference["reason"], StaffKey> = {
  "missing in the app": "staff:reconciliation.missingInApp",
  "missing at Stripe": "staff:reconciliation.missingAtStripe",
  "amount differs": "staff:reconciliation.amountDiffers",
  "status differs": "staff:reconciliation.statusDiffers",
  "currency differs": "staff:reconciliation.currencyDiffers",
};

export default function StaffReconciliation() {
  const tr = useStaffText();
  const { month, error, stripeError, report } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{tr("staff:reconciliation.title")}</h1>
      <Form method="get" className="card staff-filters">
        <div className="field">
          <label htmlFor="month">{tr("staff:reconciliation.month")}</label>
          <input id="month" name="month" type="month" defaultValue={month} required />
          {error ? <p className="field-error">{tr(error)}</p> : null}
        </div>
        <button type="submit" className="button">
          {tr("staff:reconciliation.submit")}
        </button>
      </Form>
      {stripeError ? (
        <p className="notice bad" role="alert">
          {tr("staff:reconciliation.stripeError", { message: stripeError })}
        </p>
      ) : null}
      {report ? (
        <>
          <StaffSection
            id="totals"
            title={tr("staff:reconciliation.totals", { month: report.monthName })}
          >
            {report.totals.length === 0 ? (
              <p className="muted">{tr("staff:reconciliation.noMoney")}</p>
            ) : null}
            {report.totals.map((t) => (
              <table key={t.currency}>
                <caption>{t.currency}</caption>
                <thead>
                  <tr>
                    <th scope="col" />
                    <th scope="col">{tr("staff:reconciliation.app")}</th>
                    <th scope="col">Stripe</th>
                  </tr>
                </thead>
                <tbody>
                  {t.rows.map((r) => (
                    <tr key={r.label} className={r.differs ? "differs" : undefined}>
                      <th scope="row">{tr(TOTAL_KEYS[r.label])}</th>
                      <td className="amount">{r.app}</td>
                      <td className="amount">{r.stripe}</td>
                    </tr>
                  ))}
                  <tr>
                    <th scope="row">{tr("staff:reconciliation.feesNet")}</th>
                    <td />
                    <td className="amount">
                      {t.fees === null
                        ? tr("staff:reconciliation.notAvailable")
                        : `${t.fees} / ${t.net}`}
                    </td>
                  </tr>
                </tbody>
              </table>
            ))}
          </StaffSection>
          <StaffSection id="differences" title={tr("staff:reconciliation.differences")}>
            {report.differences.length === 0 ? (
              <p data-testid="no-difference">
                {tr("staff:reconciliation.noDifference", { month: report.monthName })}
              </p>
            ) : (
              <StaffTable
                headers={[
                  tr("staff:reconciliation.object"),
                  "Id",
                  tr("staff:reconciliation.why"),
                  tr("staff:reconciliation.app"),
                  "Stripe",
                ]}
                rows={report.differences}
                row={(d) => (
                  <tr key={`${d.kind}-${d.id}`}>
                    <td>{tr(KIND_KEYS[d.kind])}</td>
                    <td>
                      <code>{d.id}</code>
                    </td>
                    <td>{tr(REASON_KEYS[d.reason])}</td>
                    <td>{d.appText}</td>
                    <td>{d.stripeText}</td>
                  </tr>
                )}
              />
            )}
          </StaffSection>
        </>
      ) : null}
    </>
  );
}
