import type {
  ActionFunctionArgs,
  HeadersFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { StatusButton } from "../components/ui/status-button";
import { STAFF_HEADERS } from "../staff/guard.server";
import { memberPageAction, memberPageLoader } from "../staff/member-page.server";
import { st } from "../staff/text";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.user.name : "Member"} | ${st("title")}` },
];

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
  return (
    <Form method="post" className="staff-action">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="nonce" value={nonce} />
      {children}
      {money && passwordNeeded ? (
        <div className="field">
          <label htmlFor={`${intent}-password`}>{st("common.password")}</label>
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
  return (
    <div className="field">
      <label htmlFor={id}>{st("common.reason")}</label>
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
  if (d.payments.length === 0) return <p className="muted">{st("common.none")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Plan</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Stripe</th>
          <th scope="col">{st("member.refund")}</th>
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
                  label={st("member.refund")}
                >
                  <input type="hidden" name="payment" value={p.id} />
                  <div className="field">
                    <label htmlFor={`amount-${p.id}`}>
                      {st("member.refundAmount", { refundable: p.refundable })}
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
      <Section title={st("member.profile")}>
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
              <dt>{st("member.complimentary")}</dt>
              <dd>{st("member.complimentaryUntil", { date: user.complimentaryUntil })}</dd>
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
          label={st("member.resync")}
        />
      </Section>
      <Section title={st("member.complimentary")}>
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
          label={st("member.grant")}
        >
          <div className="field">
            <label htmlFor="until">{st("member.grantUntil")}</label>
            <input id="until" name="until" type="date" min={d.today} required />
          </div>
          <Reason id="complimentary-reason" />
        </ActionForm>
      </Section>
      <Section title={st("member.payments")}>
        <Payments d={d} />
      </Section>
      <Section title={st("member.subscriptions")}>
        {d.subscriptions.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">Plan</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Period ends</th>
                <th scope="col">{st("member.cancel")}</th>
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
                        label={st("member.cancel")}
                      >
                        <input type="hidden" name="subscription" value={s.id} />
                        <fieldset>
                          <legend>{st("member.cancelWhen")}</legend>
                          <label>
                            <input type="radio" name="when" value="period_end" defaultChecked />{" "}
                            {st("member.cancelAtEnd")}
                          </label>
                          <label>
                            <input type="radio" name="when" value="now" /> {st("member.cancelNow")}
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
      <Section title={st("member.invoices")}>
        {d.invoices.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
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
                    {i.hosted ? <a href={i.hosted}>{st("member.hosted")}</a> : null}
                    {i.hosted && i.pdf ? " | " : null}
                    {i.pdf ? <a href={i.pdf}>{st("member.pdf")}</a> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={st("member.emails")}>
        {d.emails.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Sent</th>
                <th scope="col">{st("member.resend")}</th>
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
                        label={st("member.resend")}
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
      <Section title={st("member.history")}>
        {d.history.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
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
      <Section title={st("member.events")}>
        {d.events.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
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
      <Section title={st("member.audit")}>
        {d.audit.length === 0 ? (
          <p className="muted">{st("common.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{st("audit.when")}</th>
                <th scope="col">{st("audit.who")}</th>
                <th scope="col">{st("audit.action")}</th>
                <th scope="col">{st("audit.target")}</th>
                <th scope="col">{st("common.reason")}</th>
                <th scope="col">{st("audit.outcome")}</th>
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
