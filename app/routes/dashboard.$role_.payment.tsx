import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { z } from "zod";
import type { Role, SubscriptionStatus } from "../../db/schema";
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
import type { RouteHandle } from "../i18n/handle";
import { translateMessage } from "../i18n/messages";
import { requestWords } from "../i18n/words.server";
import { isPlanChoice, type PlanChoice } from "../payments/catalog";
import { planFor, renewableFrom, startCheckout } from "../payments/checkout.server";
import { retryAfterHeaders } from "../lib/rate-limit.server";
import { allowStripeCall, stripeCallsLimitedMessage } from "../lib/stripe-call-limits.server";

export const headers = retryAfterHeaders;

export const handle: RouteHandle = {
  i18n: ["payment", "billing"],
  title: (t, data) => {
    const name = (data as { plan?: { name?: string } } | undefined)?.plan?.name;
    return name ? name.charAt(0).toUpperCase() + name.slice(1) : t("payment:page.title");
  },
};

const STATUS_LABELS: Record<Exclude<SubscriptionStatus, "ACTIVE">, string> = {
  NONE: "payment:page.statusNone",
  EXPIRED: "payment:page.statusExpired",
  CANCELLED: "payment:page.statusCancelled",
};

const DESCRIPTIONS: Record<Role, string> = {
  talent: "payment:page.description.talent",
  professional: "payment:page.description.professional",
  company: "payment:page.description.company",
};

/** Messages for ?status= when the user comes back here from elsewhere. */
const NOTICES: Record<string, { tone: "ok" | "warn" | "bad"; text: string }> = {
  cancelled: { tone: "warn", text: "payment:page.notice.cancelled" },
  declined: { tone: "bad", text: "payment:page.notice.declined" },
  expired: { tone: "warn", text: "payment:page.notice.expired" },
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
  const w = await requestWords(request);
  const accessEnds = user.access_expires_at ? w.date(user.access_expires_at) : null;
  const payable = canPay(user, now);
  const running = await findRunningSubscription(db(), user.id);
  return {
    user: { name: user.name, role: user.role },
    plan: { name: w.plan(plan.id, plan.name), description: w.t(DESCRIPTIONS[user.role]) },
    options: running || !payable ? [] : await planOptions(db(), user, now, w),
    statusLabel:
      status === "ACTIVE" && accessEnds
        ? w.t("payment:page.statusActive", { date: accessEnds })
        : w.t(STATUS_LABELS[status === "ACTIVE" ? "NONE" : status]),
    renewing: status === "ACTIVE",
    canPay: payable && !running,
    subscribed: running !== undefined,
    accessEnds,
    renewFrom:
      !payable && user.access_expires_at ? w.date(renewableFrom(user.access_expires_at)) : null,
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
    return data({ error: parsed.fieldErrors.plan ?? "payment:errors.choosePlan" }, { status: 400 });
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
  const { t } = useTranslation("payment");
  const strong = { strong: <strong /> };

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
          <h1>{plan.name.charAt(0).toUpperCase() + plan.name.slice(1)}</h1>
        )}
        {notice ? <p className={`notice ${notice.tone}`}>{t(notice.text)}</p> : null}
        {actionData?.error ? (
          <p className="notice bad" role="alert">
            {translateMessage(t, actionData.error)}
          </p>
        ) : null}
        <p className="muted">
          {plan.description}{" "}
          <Trans
            t={t}
            i18nKey="payment:page.status"
            values={{ status: statusLabel }}
            components={strong}
          />
        </p>
        {subscribed ? (
          <p className="notice ok">
            <Trans
              t={t}
              i18nKey="payment:page.subscribed"
              components={{ billing: <Link to={billingPath} /> }}
            />
          </p>
        ) : canPay ? (
          <Form method="post" className="plan-form">
            <fieldset className="plan-cards">
              <legend className="visually-hidden">{t("payment:page.choose")}</legend>
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
                      <Trans
                        t={t}
                        i18nKey="payment:page.today"
                        values={{ amount: option.today }}
                        components={strong}
                      />
                      {option.firstCharge ? (
                        <>
                          {" "}
                          &middot; {t("payment:page.firstCharge", { value: option.firstCharge })}
                        </>
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
                  <strong>{t("payment:page.summaryToday", { amount: option.today })}</strong>{" "}
                  {option.firstCharge
                    ? `${t("payment:page.summaryFirstCharge", { value: option.firstCharge })} `
                    : option.choice === "once"
                      ? `${t("payment:page.summaryNoRenewal")} `
                      : ""}
                  {option.next}
                </p>
              ))}
            </div>
            <StatusButton pendingLabel={t("payment:page.opening")}>
              {options.map((option) => (
                <span key={option.choice} className={`when-${option.choice}`}>
                  {option.submitLabel}
                </span>
              ))}
            </StatusButton>
            <p className="muted">
              {renewing ? `${t("payment:page.renewing")} ` : ""}
              {t("payment:page.secure")}
            </p>
            <details>
              <summary>{t("payment:page.whyTwo")}</summary>
              <p>
                <Trans t={t} i18nKey="payment:page.whyTwoAnswer" components={strong} />
              </p>
            </details>
          </Form>
        ) : (
          <p className="notice ok">
            {t("payment:page.activeUntil", { date: accessEnds, renewFrom })}
          </p>
        )}
        <p>
          <Link to={billingPath}>{t("billing:action.viewBilling")}</Link> |{" "}
          <Link to={`/dashboard/${user.role}`}>{t("billing:page.back")}</Link>
        </p>
      </main>
    </>
  );
}
