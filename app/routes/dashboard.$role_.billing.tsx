import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { billingView } from "../billing/billing-page.server";
import { openCustomerPortalLimited } from "../billing/portal.server";
import { SiteHeader } from "../components/site-header";
import { StatusButton } from "../components/ui/status-button";
import { requireUser } from "../lib/auth.server";
import { retryAfter, retryAfterHeaders } from "../lib/rate-limit.server";
import { db } from "../lib/db.server";
import { readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { stripe } from "../lib/stripe.server";
import { roleLabel } from "../payments/pricing";

export const headers = retryAfterHeaders;

export const meta: MetaFunction = () => [{ title: "Billing | Talents Acting" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  return {
    user: { name: user.name, role: user.role, roleLabel: roleLabel(user.role) },
    view: await billingView(db(), user),
  };
}

/** "Manage billing": a Stripe customer portal session for the member, returning here. */
export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  // The form carries nothing the server uses; it is still read within the size limit.
  const read = await readForm(request);
  if (!read.ok) return data({ error: read.formError }, { status: read.status });
  const result = await openCustomerPortalLimited(db(), stripe(), user, request);
  if (result.kind === "redirect") return redirect(result.url, 303);
  return data({ error: result.message }, { status: result.status, headers: retryAfter(result) });
}

export default function BillingPage() {
  const { user, view } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <>
      <SiteHeader user={user} />
      <main className="page dashboard">
        <h1>Billing</h1>
        {actionData?.error ? (
          <p className="notice bad" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <section className="card" aria-labelledby="plan-heading">
          <h2 id="plan-heading">Your plan</h2>
          <dl className="account-facts">
            <dt>Plan</dt>
            <dd>{view.plan ?? "None"}</dd>
            {view.price ? (
              <>
                <dt>Price</dt>
                <dd>{view.price}</dd>
              </>
            ) : null}
            <dt>Status</dt>
            <dd>
              <span className={`billing-status ${view.tone}`} data-testid="billing-status">
                {view.statusText}
              </span>
            </dd>
            <dt>Card</dt>
            <dd>{view.card ?? "No card on file"}</dd>
          </dl>
          {view.statusText === "Payment failed, retrying" ? (
            <p className="notice bad">
              Your last payment failed. Your access continues while Stripe retries; update your card
              to keep it.
            </p>
          ) : null}
          <Form method="post">
            <StatusButton data-testid="manage-billing-button" pendingLabel="Opening billing...">
              Manage billing
            </StatusButton>
            <p className="muted">
              Change plan or card, see invoices, or cancel on Stripe&apos;s secure billing page.
            </p>
          </Form>
          <p>
            <Link to={`/dashboard/${user.role}/payment`}>Plans and payment</Link> |{" "}
            <Link to={`/dashboard/${user.role}`}>Back to your dashboard</Link>
          </p>
        </section>
        <section className="card" aria-labelledby="history-heading">
          <h2 id="history-heading">Payments and invoices</h2>
          {view.history.length === 0 ? (
            <p className="muted">No payments or invoices yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Description</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">Documents</th>
                </tr>
              </thead>
              <tbody>
                {view.history.map((entry) => (
                  <tr key={entry.key}>
                    <td>{entry.date}</td>
                    <td>{entry.description}</td>
                    <td className="amount">{entry.amount}</td>
                    <td>{entry.status}</td>
                    <td>
                      {entry.invoicePath ? <a href={entry.invoicePath}>Invoice</a> : null}
                      {entry.invoicePath && entry.pdfPath ? " | " : null}
                      {entry.pdfPath ? <a href={entry.pdfPath}>PDF</a> : null}
                      {!entry.invoicePath && !entry.pdfPath ? (
                        <span className="muted">-</span>
                      ) : null}
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
