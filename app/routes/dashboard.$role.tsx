import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { PaymentStatus, SubscriptionStatus } from "../../db/schema";
import { updateHeadline } from "../access/directory.server";
import { headlineSchema } from "../access/inputs.server";
import { MAX_HEADLINE_LENGTH } from "../access/limits";
import { SiteHeader } from "../components/site-header";
import { FormError } from "../components/ui/form-alerts";
import { StatusButton } from "../components/ui/status-button";
import { TextField } from "../components/ui/text-field";
import { requireUser } from "../lib/auth.server";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm, readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { listPaymentHistory } from "../lib/users.server";
import { runningComplimentaryUntil } from "../staff/complimentary.server";
import { canPay, effectiveStatus, RENEWAL_WINDOW_DAYS } from "../payments/access";
import { formatDate } from "../payments/format.server";
import { formatMoney, planForRole, ROLES, roleLabel } from "../payments/pricing";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.user.roleLabel} dashboard` : "Dashboard"} | Talents Acting` },
];

function formatOptionalDate(iso: string | null): string | null {
  return iso ? formatDate(iso) : null;
}

const STATUS_LABELS: Record<Exclude<SubscriptionStatus, "ACTIVE">, string> = {
  NONE: "None",
  EXPIRED: "Expired",
  CANCELLED: "Cancelled",
};

const PAYMENT_LABELS: Record<PaymentStatus, string> = {
  pending: "Pending",
  paid: "Paid",
  failed: "Failed",
  expired: "Expired",
  canceled: "Canceled",
  refunded: "Refunded",
};

function planName(planId: string): string {
  return ROLES.map((r) => planForRole(r, "usd")).find((p) => p.id === planId)?.name ?? planId;
}

/** Stripe ids are long; the table shows the start and the end, the full id sits in the title. */
function shortReference(reference: string): string {
  return reference.length <= 20
    ? reference
    : `${reference.slice(0, 10)}\u2026${reference.slice(-6)}`;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const now = new Date();
  const status = effectiveStatus(user, now);
  const accessEnds = formatOptionalDate(user.access_expires_at);
  const payments = await listPaymentHistory(db(), user.id);
  const complimentaryUntil = await runningComplimentaryUntil(db(), user.id, clockNow());

  return {
    user: { name: user.name, role: user.role, roleLabel: roleLabel(user.role) },
    status,
    statusLabel: status === "ACTIVE" ? `Active until ${accessEnds}` : STATUS_LABELS[status],
    accessEnds,
    // Access given by staff without payment: "Complimentary access until ..." (the day it ends).
    complimentaryUntil: complimentaryUntil
      ? formatDate(new Date(Date.parse(complimentaryUntil) - 1))
      : null,
    canPay: canPay(user, now),
    paymentPath: `/dashboard/${user.role}/payment`,
    // Only talents are listed in the directory, so only they have a headline.
    talent:
      user.role === "talent"
        ? { headline: user.headline ?? "", profilePath: `/talents/${user.id}` }
        : null,
    headlineSaved: new URL(request.url).searchParams.get("headline") === "saved",
    payments: payments.map((p) => {
      const reference = p.stripe_checkout_session_id ?? p.stripe_payment_intent_id;
      return {
        id: p.id,
        date: formatOptionalDate(p.paid_at ?? p.created_at),
        plan: planName(p.plan),
        amount: formatMoney(p.amount, p.currency),
        reference: reference ? shortReference(reference) : null,
        referenceFull: reference,
        status: p.status,
        statusLabel: PAYMENT_LABELS[p.status],
      };
    }),
  };
}

/** Saves a talent's directory headline (the dashboard's only form). */
export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  if (user.role !== "talent") throw new Response("Only talents have a headline.", { status: 403 });
  const read = await readForm(request);
  if (!read.ok)
    return data(
      { fieldErrors: {} as Record<string, string>, formError: read.formError, headline: "" },
      { status: read.status },
    );
  const { form } = read;
  const parsed = parseForm(headlineSchema, form);
  if (!parsed.ok) {
    const submitted = form.get("headline");
    return data(
      {
        fieldErrors: parsed.fieldErrors,
        formError: undefined,
        headline: typeof submitted === "string" ? submitted.slice(0, 1000) : "",
      },
      { status: 400 },
    );
  }
  await updateHeadline(db(), user.id, parsed.data.headline, clockNow());
  return redirect(`/dashboard/${user.role}?headline=saved`, 303);
}

export default function Dashboard() {
  const {
    user,
    status,
    statusLabel,
    accessEnds,
    complimentaryUntil,
    canPay,
    paymentPath,
    talent,
    headlineSaved,
    payments,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const renews = status === "ACTIVE" || status === "EXPIRED";

  return (
    <>
      <SiteHeader user={user} />
      <main className="page dashboard">
        <h1>{user.roleLabel} dashboard</h1>
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">Your account</h2>
          <dl className="account-facts">
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>Role</dt>
            <dd>{user.roleLabel}</dd>
            <dt>Status</dt>
            <dd>
              <span className={`badge ${status}`}>{statusLabel}</span>
            </dd>
          </dl>
          {complimentaryUntil ? (
            <p data-testid="complimentary-access">
              Complimentary access until {complimentaryUntil}
            </p>
          ) : null}
          {status === "EXPIRED" && accessEnds ? (
            <p className="muted">Your access ended on {accessEnds}.</p>
          ) : null}
          {status === "ACTIVE" && !canPay ? (
            <p className="muted">
              Renewal opens {RENEWAL_WINDOW_DAYS} days before your access ends.
            </p>
          ) : null}
          <p>
            {/* While renewal is not open yet the payment page only says when it opens. */}
            <Link to={paymentPath} className={canPay ? "button" : "button secondary"}>
              {!canPay ? "View payment page" : renews ? "Renew" : "Go to payment page"}
            </Link>{" "}
            <Link to={`/dashboard/${user.role}/billing`} className="button secondary">
              Billing
            </Link>
          </p>
        </section>
        {talent ? (
          <section className="card" aria-labelledby="listing-heading">
            <h2 id="listing-heading">Your directory listing</h2>
            <p className="muted">
              Your name, member-since date and headline are listed in the{" "}
              <Link to="/talents">talent directory</Link> while your membership is active.{" "}
              <Link to={talent.profilePath}>See your profile</Link>
            </p>
            {headlineSaved && !actionData ? (
              <p className="notice ok" role="status">
                Headline saved.
              </p>
            ) : null}
            <Form method="post" noValidate>
              <FormError message={actionData?.formError} />
              <TextField
                label="Headline"
                name="headline"
                defaultValue={actionData ? actionData.headline : talent.headline}
                maxLength={MAX_HEADLINE_LENGTH}
                error={actionData?.fieldErrors.headline}
                hint={`One line, at most ${MAX_HEADLINE_LENGTH} characters. Leave empty to remove it.`}
              />
              <StatusButton pendingLabel="Saving...">Save headline</StatusButton>
            </Form>
          </section>
        ) : null}
        <section className="card" aria-labelledby="payments-heading">
          <h2 id="payments-heading">Payment history</h2>
          {payments.length === 0 ? (
            <p className="muted">No payments yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr key={p.id}>
                    <td>{p.date}</td>
                    <td>{p.plan}</td>
                    <td className="amount">{p.amount}</td>
                    <td>
                      {p.reference ? (
                        <code title={p.referenceFull ?? undefined}>{p.reference}</code>
                      ) : (
                        <span className="muted">-</span>
                      )}
                    </td>
                    <td>
                      <span className={`badge ${p.status}`}>{p.statusLabel}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </main>
    </>
  );
}
