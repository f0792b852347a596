import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { StatusButton } from "../components/ui/status-button";
import { STAFF_HEADERS } from "../staff/guard.server";
import { memberPageAction, memberPageLoader } from "../staff/member-page.server";
import type { RouteHandle } from "../i18n/handle";
import { useStaffText } from "../staff/text";

export const handle: RouteHandle = {
  i18n: ["staff"],
  title: (t, data) =>
    `${(data as { user?: { name: string } } | undefined)?.user?.name ?? "Member"} | ${t("staff:title")}`,
};

export const headers: HeadersFunction = () => STAFF_HEADERS;

export const loader = ({ request, params }: LoaderFunctionArgs) =>
  memberPageLoader(request, params);

export const action = ({ request, params }: ActionFunctionArgs) =>
  memberPageAction(request, params);

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** The hidden fields every action form carries: its intent and the page's nonce. */
function ActionForm({
  intent,
  nonce,
  passwordNeeded,
  money,
  children,
  label,
}: {
  intent: string;
  nonce: string;
  passwordNeeded: boolean;
  money?: boolean;
  children?: ReactNode;
  label: string;
}) {
  const tr = useStaffText();
  return (
    <Form method="post" className="staff-action">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="nonce" value={nonce} />
      {children}
      {money && passwordNeeded ? (
        <div className="field">
          <label htmlFor={`${intent}-password`}>{tr("staff:common.password")}</label>
          <input
            id={`${intent}-password`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={200}
          />
        </div>
      ) : null}
      <StatusButton>{label}</StatusButton>
    </Form>
  );
}

function Reason({ id }: { id: string }) {
  const tr = useStaffText();
  return (
    <div className="field">
      <label htmlFor={id}>{tr("staff:common.reason")}</label>
      <input id={id} name="reason" required minLength={3} maxLength={500} />
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = title.toLowerCase().replace(/[^a-z]+/g, "-");
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function Payments({ d }: { d: Data }) {
  const tr = useStaffText();
  if (d.payments.length === 0) return <p className="muted">{tr("staff:common.none")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Plan</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Stripe</th>
          <th scope="col">{tr("staff:member.refund")}</th>
        </tr>
      </thead>
      <tbody>
        {d.payments.map((p) => (
          <tr key={p.id}>
            <td>{p.date}</td>
            <td>{p.plan}</td>
            <td className="amount">{p.amount}</td>
            <td>{p.status}</td>
            <td>
              <code>{p.paymentIntent ?? p.session ?? "-"}</code>
            </td>
            <td>
              {p.refundable !== null && p.refundable > 0 ? (
                <ActionForm
                  intent="refund"
                  nonce={d.nonce}
                  passwordNeeded={d.passwordNeeded}
                  money
                  label={tr("staff:member.refund")}
                >
                  <input type="hidden" name="payment" value={p.id} />
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
                  <Reason id={`refund-reason-${p.id}`} />
                </ActionForm>
              ) : (
                <span className="muted">-</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
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
      {result?.message ? (
        <p className={`notice ${result.ok ? "good" : "bad"}`} role={result.ok ? "status" : "alert"}>
          {result.message}
        </p>
      ) : null}
      <Section title={tr("staff:member.profile")}>
        <dl className="account-facts">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.roleLabel}</dd>
          <dt>Status</dt>
          <dd data-testid="member-status">
            {user.subscription_status}
            {user.access_expires_at ? ` until ${user.access_expires_at.slice(0, 10)}` : ""}
          </dd>
          {user.complimentaryUntil ? (
            <>
              <dt>{tr("staff:member.complimentary")}</dt>
              <dd>{tr("staff:member.complimentaryUntil", { date: user.complimentaryUntil })}</dd>
            </>
          ) : null}
          <dt>Member since</dt>
          <dd>{user.created_at.slice(0, 10)}</dd>
          <dt>Stripe customer</dt>
          <dd>
            {d.customers.length === 0
              ? "-"
              : d.customers.map((c) => (
                  <code key={c.stripe_customer_id}>{c.stripe_customer_id} </code>
                ))}
          </dd>
        </dl>
        <ActionForm
          intent="resync"
          nonce={d.nonce}
          passwordNeeded={d.passwordNeeded}
          label={tr("staff:member.resync")}
        />
      </Section>
      <Section title={tr("staff:member.complimentary")}>
        {d.complimentary.length > 0 ? (
          <ul>
            {d.complimentary.map((c) => (
              <li key={c.id}>
                {c.from} to {c.until}: {c.reason}
                {c.running ? " (running)" : ""}
              </li>
            ))}
          </ul>
        ) : null}
        <ActionForm
          intent="complimentary"
          nonce={d.nonce}
          passwordNeeded={d.passwordNeeded}
          money
          label={tr("staff:member.grant")}
        >
          <div className="field">
            <label htmlFor="until">{tr("staff:member.grantUntil")}</label>
            <input id="until" name="until" type="date" min={d.today} required />
          </div>
          <Reason id="complimentary-reason" />
        </ActionForm>
      </Section>
      <Section title={tr("staff:member.payments")}>
        <Payments d={d} />
      </Section>
      <Section title={tr("staff:member.subscriptions")}>
        {d.subscriptions.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">Plan</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Period ends</th>
                <th scope="col">{tr("staff:member.cancel")}</th>
              </tr>
            </thead>
            <tbody>
              {d.subscriptions.map((s) => (
                <tr key={s.id}>
                  <td>
                    <code>{s.id}</code>
                  </td>
                  <td>{s.plan}</td>
                  <td className="amount">{s.amount}</td>
                  <td>
                    {s.status}
                    {s.cancelAtPeriodEnd ? " (cancels at period end)" : ""}
                  </td>
                  <td>{s.periodEnd ?? "-"}</td>
                  <td>
                    {s.running ? (
                      <ActionForm
                        intent="cancel"
                        nonce={d.nonce}
                        passwordNeeded={d.passwordNeeded}
                        money
                        label={tr("staff:member.cancel")}
                      >
                        <input type="hidden" name="subscription" value={s.id} />
                        <fieldset>
                          <legend>{tr("staff:member.cancelWhen")}</legend>
                          <label>
                            <input type="radio" name="when" value="period_end" defaultChecked />{" "}
                            {tr("staff:member.cancelAtEnd")}
                          </label>
                          <label>
                            <input type="radio" name="when" value="now" />{" "}
                            {tr("staff:member.cancelNow")}
                          </label>
                        </fieldset>
                        <Reason id={`cancel-reason-${s.id}`} />
                      </ActionForm>
                    ) : (
                      <span className="muted">-</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={tr("staff:member.invoices")}>
        {d.invoices.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Number</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Documents</th>
              </tr>
            </thead>
            <tbody>
              {d.invoices.map((i) => (
                <tr key={i.id}>
                  <td>{i.date}</td>
                  <td>{i.number ?? i.id}</td>
                  <td className="amount">{i.amount}</td>
                  <td>{i.status ?? "-"}</td>
                  <td>
                    {i.hosted ? <a href={i.hosted}>{tr("staff:member.hosted")}</a> : null}
                    {i.hosted && i.pdf ? " | " : null}
                    {i.pdf ? <a href={i.pdf}>{tr("staff:member.pdf")}</a> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={tr("staff:member.emails")}>
        {d.emails.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">{tr("staff:member.resend")}</th>
              </tr>
            </thead>
            <tbody>
              {d.emails.map((e) => (
                <tr key={e.id}>
                  <td>{e.created}</td>
                  <td>
                    <a href={`/staff/emails/${e.id}`}>{e.subject}</a>
                  </td>
                  <td>
                    {e.status}
                    {e.lastError ? ` (${e.lastError})` : ""}
                  </td>
                  <td>{e.sent ?? "-"}</td>
                  <td>
                    {e.resendable ? (
                      <ActionForm
                        intent="resend"
                        nonce={d.nonce}
                        passwordNeeded={d.passwordNeeded}
                        label={tr("staff:member.resend")}
                      >
                        <input type="hidden" name="email" value={e.id} />
                      </ActionForm>
                    ) : (
                      <span className="muted">-</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={tr("staff:member.history")}>
        {d.history.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <ul>
            {d.history.map((h) => (
              <li key={h.id}>
                {h.at}: <code>{h.subscription}</code> {h.from ?? "-"} to {h.to} ({h.cause})
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={tr("staff:member.events")}>
        {d.events.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <ul>
            {d.events.map((e) => (
              <li key={e.id}>
                {e.at}: <code>{e.id}</code> {e.type} {e.processed ? "processed" : "not processed"}
                {e.error ? `: ${e.error}` : ""}
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title={tr("staff:member.audit")}>
        {d.audit.length === 0 ? (
          <p className="muted">{tr("staff:common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{tr("staff:audit.when")}</th>
                <th scope="col">{tr("staff:audit.who")}</th>
                <th scope="col">{tr("staff:audit.action")}</th>
                <th scope="col">{tr("staff:audit.target")}</th>
                <th scope="col">{tr("staff:common.reason")}</th>
                <th scope="col">{tr("staff:audit.outcome")}</th>
              </tr>
            </thead>
            <tbody>
              {d.audit.map((a) => (
                <tr key={a.id}>
                  <td>{a.at}</td>
                  <td>{a.who}</td>
                  <td>{a.action}</td>
                  <td>{a.target ?? "-"}</td>
                  <td>{a.reason ?? "-"}</td>
                  <td>
                    {a.outcome}
                    {a.error ? `: ${a.error}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
