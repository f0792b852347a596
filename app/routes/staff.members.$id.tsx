import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ActionNotice } from "../components/staff/action-notice";
import { AuditTable } from "../components/staff/audit-table";
import { ReasonField, StaffActionForm } from "../components/staff/action-form";
import { KeysetPager } from "../components/staff/keyset-pager";
import { StaffSection, TableSection } from "../components/staff/table-section";
import { STAFF_HEADERS } from "../staff/guard.server";
import { memberPageAction, memberPageLoader } from "../staff/member-page.server";
import type { RouteHandle } from "../i18n/handle";
import {
  MEMBER_STATUS_KEYS,
  OUTBOX_STATUS_KEYS,
  PAYMENT_STATUS_KEYS,
  ROLE_KEYS,
  useStaffText,
} from "../staff/text";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t, data) =>
    `${(data as { user?: { name: string } } | undefined)?.user?.name ?? t("staff:member.title")} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  memberPageLoader(request, params);

export const action = ({ request, params }: ActionFunctionArgs) =>
  memberPageAction(request, params);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function Payments({ d }: { d: Data }) {
  const tr = useStaffText();
  return (
    <TableSection
      id="payments"
      title={tr("staff:member.payments")}
      headers={[
        tr("staff:columns.date"),
        tr("staff:columns.plan"),
        tr("staff:columns.amount"),
        tr("staff:columns.status"),
        tr("staff:columns.stripe"),
        tr("staff:member.refund"),
      ]}
      rows={d.payments}
      row={(p) => (
        <tr key={p.id}>
          <td>{p.date}</td>
          <td>{p.plan}</td>
          <td className="amount">{p.amount}</td>
          <td>{tr(PAYMENT_STATUS_KEYS[p.status])}</td>
          <td>
            <code>{p.paymentIntent ?? p.session ?? "-"}</code>
          </td>
          <td>
            {p.refundable !== null && p.refundable > 0 ? (
              <StaffActionForm
                intent="refund"
                nonce={d.nonce}
                hidden={{ payment: p.id }}
                passwordNeeded={d.passwordNeeded}
                label={tr("staff:member.refund")}
              >
                <div className="field">
                  <label htmlFor={`amount-${p.id}`}>
                    {tr("staff:member.refundAmount", { refundable: p.refundable })}
                  </label>
                  <input
                    id={`amount-${p.id}`}
                    name="amount"
                    inputMode="numeric"
                    pattern="[0-9]+"
                    required
                    defaultValue={p.refundable}
                    maxLength={12}
                  />
                </div>
                <ReasonField id={`refund-reason-${p.id}`} />
              </StaffActionForm>
            ) : (
              <span className="muted">-</span>
            )}
          </td>
        </tr>
      )}
    />
  );
}

function Subscriptions({ d }: { d: Data }) {
  const tr = useStaffText();
  return (
    <TableSection
      id="subscriptions"
      title={tr("staff:member.subscriptions")}
      headers={[
        tr("staff:columns.subscription"),
        tr("staff:columns.plan"),
        tr("staff:columns.amount"),
        tr("staff:columns.status"),
        tr("staff:columns.periodEnds"),
        tr("staff:member.cancel"),
      ]}
      rows={d.subscriptions}
      row={(s) => (
        <tr key={s.id}>
          <td>
            <code>{s.id}</code>
          </td>
          <td>{s.plan}</td>
          <td className="amount">{s.amount}</td>
          <td>
            <code>{s.status}</code>
            {s.cancelAtPeriodEnd ? ` ${tr("staff:member.cancelsAtPeriodEnd")}` : ""}
          </td>
          <td>{s.periodEnd ?? "-"}</td>
          <td>
            {s.running ? (
              <StaffActionForm
                intent="cancel"
                nonce={d.nonce}
                hidden={{ subscription: s.id }}
                passwordNeeded={d.passwordNeeded}
                label={tr("staff:member.cancel")}
              >
                <fieldset>
                  <legend>{tr("staff:member.cancelWhen")}</legend>
                  <label>
                    <input type="radio" name="when" value="period_end" defaultChecked />{" "}
                    {tr("staff:member.cancelAtEnd")}
                  </label>
                  <label>
                    <input type="radio" name="when" value="now" /> {tr("staff:member.cancelNow")}
                  </label>
                </fieldset>
                <ReasonField id={`cancel-reason-${s.id}`} />
              </StaffActionForm>
            ) : (
              <span className="muted">-</span>
            )}
          </td>
        </tr>
      )}
    />
  );
}

export default function StaffMember() {
  const tr = useStaffText();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { user } = d;
  return (
    <>
      <h1>{user.name}</h1>
      <ActionNotice result={result} />
      <StaffSection id="profile" title={tr("staff:member.profile")}>
        <dl className="account-facts">
          <dt>{tr("staff:members.email")}</dt>
          <dd>{user.email}</dd>
          <dt>{tr("staff:members.role")}</dt>
          <dd>{tr(ROLE_KEYS[user.role])}</dd>
          <dt>{tr("staff:members.status")}</dt>
          <dd data-testid="member-status">
            {tr(MEMBER_STATUS_KEYS[user.subscription_status])}
            {user.accessUntil
              ? ` ${tr("staff:member.statusUntil", { date: user.accessUntil })}`
              : ""}
          </dd>
          {user.complimentaryUntil ? (
            <>
              <dt>{tr("staff:member.complimentary")}</dt>
              <dd>{tr("staff:member.complimentaryUntil", { date: user.complimentaryUntil })}</dd>
            </>
          ) : null}
          <dt>{tr("staff:members.since")}</dt>
          <dd>{user.since}</dd>
          <dt>{tr("staff:member.customer")}</dt>
          <dd>
            {d.customers.length === 0
              ? "-"
              : d.customers.map((c) => (
                  <code key={c.stripe_customer_id}>{c.stripe_customer_id} </code>
                ))}
          </dd>
        </dl>
        <StaffActionForm intent="resync" nonce={d.nonce} label={tr("staff:member.resync")} />
      </StaffSection>
      <StaffSection id="complimentary" title={tr("staff:member.complimentary")}>
        {d.complimentary.length > 0 ? (
          <ul>
            {d.complimentary.map((c) => (
              <li key={c.id}>
                {tr(
                  c.running
                    ? "staff:member.complimentaryRunning"
                    : "staff:member.complimentaryPast",
                  { from: c.from, until: c.until, reason: c.reason },
                )}
              </li>
            ))}
          </ul>
        ) : null}
        <StaffActionForm
          intent="complimentary"
          nonce={d.nonce}
          passwordNeeded={d.passwordNeeded}
          label={tr("staff:member.grant")}
        >
          <div className="field">
            <label htmlFor="until">{tr("staff:member.grantUntil")}</label>
            <input id="until" name="until" type="date" min={d.today} required />
          </div>
          <ReasonField id="complimentary-reason" />
        </StaffActionForm>
      </StaffSection>
      <Payments d={d} />
      <Subscriptions d={d} />
      <TableSection
        id="invoices"
        title={tr("staff:member.invoices")}
        headers={[
          tr("staff:columns.date"),
          tr("staff:columns.number"),
          tr("staff:columns.amount"),
          tr("staff:columns.status"),
          tr("staff:columns.documents"),
        ]}
        rows={d.invoices}
        row={(i) => (
          <tr key={i.id}>
            <td>{i.date}</td>
            <td>{i.number ?? i.id}</td>
            <td className="amount">{i.amount}</td>
            <td>{i.status ? <code>{i.status}</code> : "-"}</td>
            <td>
              {i.hosted ? <a href={i.hosted}>{tr("staff:member.hosted")}</a> : null}
              {i.hosted && i.pdf ? " | " : null}
              {i.pdf ? <a href={i.pdf}>{tr("staff:member.pdf")}</a> : null}
            </td>
          </tr>
        )}
      />
      <TableSection
        id="emails"
        title={tr("staff:member.emails")}
        headers={[
          tr("staff:columns.queued"),
          tr("staff:columns.subject"),
          tr("staff:columns.status"),
          tr("staff:columns.sent"),
          tr("staff:member.resend"),
        ]}
        rows={d.emails}
        row={(e) => (
          <tr key={e.id}>
            <td>{e.created}</td>
            <td>
              <a href={`/staff/emails/${e.id}`}>{e.subject}</a>
            </td>
            <td>
              {tr(OUTBOX_STATUS_KEYS[e.status])}
              {e.lastError ? ` (${e.lastError})` : ""}
            </td>
            <td>{e.sent ?? "-"}</td>
            <td>
              {e.resendable ? (
                <StaffActionForm
                  intent="resend"
                  nonce={d.nonce}
                  hidden={{ email: e.id }}
                  label={tr("staff:member.resend")}
                />
              ) : (
                <span className="muted">-</span>
              )}
            </td>
          </tr>
        )}
      />
      <TableSection
        id="history"
        title={tr("staff:member.history")}
        headers={[
          tr("staff:columns.when"),
          tr("staff:columns.subscription"),
          tr("staff:columns.from"),
          tr("staff:columns.to"),
          tr("staff:columns.cause"),
        ]}
        rows={d.history}
        row={(h) => (
          <tr key={h.id}>
            <td>{h.at}</td>
            <td>
              <code>{h.subscription}</code>
            </td>
            <td>{h.from ? <code>{h.from}</code> : "-"}</td>
            <td>
              <code>{h.to}</code>
            </td>
            <td>
              <code>{h.cause}</code>
            </td>
          </tr>
        )}
      />
      <TableSection
        id="events"
        title={tr("staff:member.events")}
        headers={[
          tr("staff:columns.received"),
          tr("staff:columns.type"),
          tr("staff:columns.event"),
          tr("staff:columns.processed"),
          tr("staff:columns.error"),
        ]}
        rows={d.events}
        row={(e) => (
          <tr key={e.id}>
            <td>{e.at}</td>
            <td>{e.type}</td>
            <td>
              <code>{e.id}</code>
            </td>
            <td>{tr(e.processed ? "staff:common.yes" : "staff:common.no")}</td>
            <td>{e.error ?? "-"}</td>
          </tr>
        )}
      >
        <KeysetPager firstPath={d.eventsFirstPath} nextPath={d.eventsNextPath} />
      </TableSection>
      <StaffSection id="audit" title={tr("staff:member.audit")}>
        <AuditTable entries={d.audit} />
      </StaffSection>
    </>
  );
}
