import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { SubscriptionStatus } from "../../db/schema";
import { planOptions } from "../billing/plan-options.server";
import {
  ALREADY_SUBSCRIBED,
  findRunningSubscription,
  startSubscriptionCheckout,
} from "../billing/subscription-checkout.server";
import { SiteHeader } from "../components/site-header";
import { StatusButton } from "../components/ui/status-button";
import { requireUser } from "../lib/auth.server";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm, readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { stripe } from "../lib/stripe.server";
import { canPay, effectiveStatus } from "../access/period";
import { formatDate } from "../lib/format";
import { roleLabel } from "../lib/roles";
import { isPlanChoice, type PlanChoice } from "../payments/catalog";
import { planFor, renewableFrom, startCheckout } from "../payments/checkout.server";
import { retryAfterHeaders } from "../lib/rate-limit.server";
import { allowStripeCall, stripeCallsLimitedMessage } from "../lib/stripe-call-limits.server";

export const headers = retryAfterHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? data.plan.name : "Payment"} | Talents Acting` },
];

const STATUS_LABELS: Record<Exclude<SubscriptionStatus, "ACTIVE">, string> = {
  NONE: "None",
  EXPIRED: "Expired",
  CANCELLED: "Cancelled",
};

/** Messages for ?status= when the user comes back here from elsewhere. */
const NOTICES: Record<string, { tone: "ok" | "warn" | "bad"; text: string }> = {
  cancelled: { tone: "warn", text: "Payment cancelled, nothing was charged." },
  declined: {
    tone: "bad",
    text: "Your payment was declined and nothing was charged. You can try again with another card.",
  },
  expired: {
    tone: "warn",
    text: "Your checkout session expired before it was paid. Nothing was charged; start again below.",
  },
};

/**
 * Only the plan choice is read, and only as one of the catalog's three choices: any price,
 * amount or other plan id the client sends is ignored, which leaves the default, paid once.
 */
const choiceSchema = z.object({
  plan: z
    .string()
    .optional()
    .transform((value): PlanChoice => (isPlanChoice(value) ? value : "once")),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const now = clockNow();
  const plan = planFor(user);
  const status = effectiveStatus(user, now);
  const accessEnds = user.access_expires_at ? formatDate(user.access_expires_at) : null;
  const payable = canPay(user, now);
  const running = await findRunningSubscription(db(), user.id);
  return {
    user: { name: user.name, role: user.role, roleLabel: roleLabel(user.role) },
    plan: { name: plan.name, description: plan.description },
    options: running || !payable ? [] : await planOptions(db(), user, now),
    statusLabel:
      status === "ACTIVE" && accessEnds
        ? `Active until ${accessEnds}`
        : STATUS_LABELS[status === "ACTIVE" ? "NONE" : status],
    renewing: status === "ACTIVE",
    canPay: payable && !running,
    subscribed: running !== undefined,
    accessEnds,
    renewFrom:
      !payable && user.access_expires_at ? formatDate(renewableFrom(user.access_expires_at)) : null,
    billingPath: `/dashboard/${user.role}/billing`,
    notice: NOTICES[new URL(request.url).searchParams.get("status") ?? ""] ?? null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  const read = await readForm(request);
  if (!read.ok) return data({ error: read.formError }, { status: read.status });
  const parsed = parseForm(choiceSchema, read.form);
  if (!parsed.ok)
    return data(
      { error: parsed.fieldErrors.plan ?? "Choose one of the plans shown." },
      { status: 400 },
    );
  if (await findRunningSubscription(db(), user.id))
    return data({ error: ALREADY_SUBSCRIBED }, { status: 409 });

  const limit = await allowStripeCall(request, user.id, "checkout");
  if (!limit.allowed)
    return data(
      { error: stripeCallsLimitedMessage(limit.retryAfterSeconds) },
      { status: 429, headers: { "Retry-After": String(limit.retryAfterSeconds) } },
    );

  const choice = parsed.data.plan;
  const result =
    choice === "once"
      ? await startCheckout(db(), stripe(), user, clockNow())
      : await startSubscriptionCheckout(db(), stripe(), user, choice, clockNow());
  if (result.kind === "redirect") return redirect(result.url, 303);
  return data({ error: result.message }, { status: result.status });
}

export default function PaymentPage() {
  const {
    user,
    plan,
    options,
    statusLabel,
    renewing,
    canPay,
    subscribed,
    accessEnds,
    renewFrom,
    billingPath,
    notice,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page payment-page">
        {canPay ? (
          // The heading follows the chosen plan in CSS (:has), so it works without JavaScript.
          <h1>
            {options.map((option) => (
              <span key={option.choice} className={`when-${option.choice}`}>
                {option.heading}
              </span>
            ))}
          </h1>
        ) : (
          <h1>{plan.name}</h1>
        )}
        {notice ? <p className={`notice ${notice.tone}`}>{notice.text}</p> : null}
        {actionData?.error ? (
          <p className="notice bad" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <p className="muted">
          {plan.description} Your status: <strong>{statusLabel}</strong>.
        </p>
        {subscribed ? (
          <p className="notice ok">
            You already have a subscription that renews by itself, so there is nothing to pay here.{" "}
            <Link to={billingPath}>Manage it on your billing page</Link>.
          </p>
        ) : canPay ? (
          <Form method="post" className="plan-form">
            <fieldset className="plan-cards">
              <legend className="visually-hidden">Choose your plan</legend>
              {options.map((option) => (
                <div key={option.choice} className="plan-card">
                  <input
                    type="radio"
                    name="plan"
                    value={option.choice}
                    id={`plan-${option.choice}`}
                    defaultChecked={option.choice === "once"}
                    aria-describedby={`plan-${option.choice}-details`}
                  />
                  <label className="plan-title" htmlFor={`plan-${option.choice}`}>
                    {option.label}
                  </label>
                  {option.tag ? <span className="plan-tag">{option.tag}</span> : null}
                  <div id={`plan-${option.choice}-details`}>
                    <p className="plan-price nowrap">{option.price}</p>
                    <p className="muted">
                      Today: <strong>{option.today}</strong>
                      {option.firstCharge ? (
                        <> &middot; First charge: {option.firstCharge}</>
                      ) : null}
                    </p>
                    <ul>
                      {option.points.map((point) => (
                        <li key={point}>{point}</li>
                      ))}
                    </ul>
                  </div>
                </div>
              ))}
            </fieldset>
            <div className="summary" aria-live="polite">
              {options.map((option) => (
                <p key={option.choice} className={`when-${option.choice}`}>
                  <strong>Today: {option.today}.</strong>{" "}
                  {option.firstCharge
                    ? `First charge: ${option.firstCharge}. `
                    : option.choice === "once"
                      ? "Nothing renews. "
                      : ""}
                  {option.next}
                </p>
              ))}
            </div>
            <StatusButton pendingLabel="Opening secure checkout...">
              {options.map((option) => (
                <span key={option.choice} className={`when-${option.choice}`}>
                  {option.submitLabel}
                </span>
              ))}
            </StatusButton>
            <p className="muted">
              {renewing
                ? "Renewing the annual plan adds one year after your current end date. "
                : ""}
              You enter your card on Stripe&apos;s secure page and come back here.
            </p>
            <details>
              <summary>Why two annual plans?</summary>
              <p>
                <strong>Annual, paid once</strong> is for members who would rather not leave a card
                with us: you pay for one year, no card is kept and nothing renews.{" "}
                <strong>Yearly</strong> costs the same but renews by itself until you cancel, and a
                first subscription starts with a free trial.
              </p>
            </details>
          </Form>
        ) : (
          <p className="notice ok">
            Your access is active until {accessEnds}; you can renew from {renewFrom}.
          </p>
        )}
        <p>
          <Link to={billingPath}>Billing and receipts</Link> |{" "}
          <Link to={`/dashboard/${user.role}`}>Back to your dashboard</Link>
        </p>
      </main>
    </>
  );
}
