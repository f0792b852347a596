import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { loadMemberView } from "../billing/member-facts.server";
import { memberSummary } from "../billing/member-words.server";
import { openCustomerPortalLimited } from "../billing/portal.server";
import { ChargeHistory } from "../components/charge-history";
import { CompanyDetails } from "../components/company-details";
import { MemberStatus } from "../components/member-status";
import { SiteHeader } from "../components/site-header";
import { requireUser } from "../lib/auth.server";
import { retryAfter, retryAfterHeaders } from "../lib/rate-limit.server";
import { now } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { stripe } from "../lib/stripe.server";
import type { RouteHandle } from "../i18n/handle";
import { translateMessage } from "../i18n/messages";
import { requestWords } from "../i18n/words.server";
import { recordOneTimeCard } from "../billing/receipts.server";

export const headers = retryAfterHeaders;

export const handle: RouteHandle = {
  i18n: ["billing"],
  title: (t) => t("billing:page.title"),
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  let view = await loadMemberView(db(), user, now());
  // The card of a one-time payment is read from Stripe once, the first time it is shown.
  if (
    view.state === "paid_once" &&
    view.card === null &&
    (await recordOneTimeCard(db(), stripe(), user))
  )
    view = await loadMemberView(db(), user, now());
  return {
    user: { name: user.name, role: user.role },
    member: memberSummary(await requestWords(request), view),
    paymentPath: `/dashboard/${user.role}/payment`,
  };
}

/**
 * The customer portal for the member's own customer, returning here: intent=update_card opens
 * it on replacing the card (after a failed payment), anything else on its home page.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  const read = await readForm(request);
  if (!read.ok) return data({ error: read.formError }, { status: read.status });
  const flow = read.form.get("intent") === "update_card" ? "update_card" : "manage";
  const result = await openCustomerPortalLimited(db(), stripe(), user, request, Date.now(), flow);
  if (result.kind === "redirect") return redirect(result.url, 303);
  return data({ error: result.message }, { status: result.status, headers: retryAfter(result) });
}

export default function BillingPage() {
  const { user, member, paymentPath } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("billing");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page dashboard">
        <h1>{t("billing:page.title")}</h1>
        {actionData?.error ? (
          <p className="notice bad" role="alert">
            {translateMessage(t, actionData.error)}
          </p>
        ) : null}
        <section className="card" aria-labelledby="plan-heading">
          <h2 id="plan-heading">{t("billing:page.plan")}</h2>
          <MemberStatus summary={member} showCard />
          {member.canManageBilling ? <p className="muted">{t("billing:page.portalHint")}</p> : null}
          <p>
            <Link to={paymentPath}>{t("billing:page.plans")}</Link> |{" "}
            <Link to={`/dashboard/${user.role}`}>{t("billing:page.back")}</Link>
          </p>
        </section>
        {member.company ? <CompanyDetails company={member.company} /> : null}
        <section className="card" aria-labelledby="history-heading">
          <h2 id="history-heading">{t("billing:page.history")}</h2>
          <ChargeHistory charges={member.history} />
        </section>
      </main>
    </>
  );
}
