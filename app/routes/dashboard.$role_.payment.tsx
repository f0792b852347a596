import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import type { SubscriptionStatus } from "../../db/schema";
import { SiteHeader } from "../components/site-header";
import { StatusButton } from "../components/ui/status-button";
import { requireUser } from "../lib/auth.server";
import { db } from "../lib/db.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { stripe } from "../lib/stripe.server";
import { canPay, effectiveStatus } from "../payments/access";
import { planFor, renewableFrom, startCheckout } from "../payments/checkout.server";
import { formatDate } from "../payments/format.server";
import { formatMoney, roleLabel } from "../payments/pricing";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? data.plan.name : "Payment"} | Talents Acting` }];

const STATUS_LABELS: Record<Exclude<SubscriptionStatus, "ACTIVE">, string> = {
  NONE: "None",
  EXPIRED: "Expired",
  CANCELLED: "Cancelled",
};

/** Messages for ?status= when the user comes back here from elsewhere. */
const NOTICES: Record<string, { tone: "ok" | "warn" | "bad"; text: string }> = {
  cancelled: { tone: "warn", text: "Payment cancelled, nothing was charged." },
  declined: { tone: "bad", text: "Your payment was declined and nothing was charged. You can try again with another card." },
  expired: { tone: "warn", text: "Your checkout session expired before it was paid. Nothing was charged; start again below." },
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const now = new Date();
  const plan = planFor(user);
  const status = effectiveStatus(user, now);
  const accessEnds = user.access_expires_at ? formatDate(user.access_expires_at) : null;
  const payable = canPay(user, now);
  return {
    user: { name: user.name, role: user.role, roleLabel: roleLabel(user.role) },
    plan: { name: plan.name, description: plan.description },
    price: formatMoney(plan.amount, plan.currency),
    status,
    statusLabel: status === "ACTIVE" ? `Active until ${accessEnds}` : STATUS_LABELS[status],
    canPay: payable,
    accessEnds,
    renewFrom: !payable && user.access_expires_at ? formatDate(renewableFrom(user.access_expires_at)) : null,
    notice: NOTICES[new URL(request.url).searchParams.get("status") ?? ""] ?? null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  // The form carries nothing the server uses: plan and price come from the user's role.
  const result = await startCheckout(db(), stripe(), user);
  if (result.kind === "redirect") return redirect(result.url, 303);
  return data({ error: result.message }, { status: result.status });
}

export default function PaymentPage() {
  const { user, plan, price, status, statusLabel, canPay, accessEnds, renewFrom, notice } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();

  return (
    <>
      <SiteHeader user={user} />
      <main className="page">
        <h1>{plan.name}</h1>
        {notice ? <p className={`notice ${notice.tone}`}>{notice.text}</p> : null}
        {actionData?.error ? (
          <p className="notice bad" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <section className="card" aria-labelledby="plan-heading">
          <h2 id="plan-heading">What you get</h2>
          <p>{plan.description}</p>
          <p className="price">
            {price} <span className="muted">for one year</span>
          </p>
          <p>
            Current status: <span className={`badge ${status}`}>{statusLabel}</span>
          </p>
          {canPay ? (
            <Form method="post">
              <StatusButton pendingLabel="Opening secure checkout...">Pay {price}</StatusButton>
              <p className="muted">
                {status === "ACTIVE"
                  ? "Renewing adds one year after your current end date."
                  : "You will pay on Stripe's secure checkout page and come back here."}
              </p>
            </Form>
          ) : (
            <p className="notice ok">
              Your access is active until {accessEnds}; you can renew from {renewFrom}.
            </p>
          )}
        </section>
        <p>
          <Link to={`/dashboard/${user.role}`}>Back to your dashboard</Link>
        </p>
      </main>
    </>
  );
}
