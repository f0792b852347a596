import type { LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RouteHandle } from "../i18n/handle";
import { translateMessage } from "../i18n/messages";
import { openCustomerPortalLimited } from "../billing/portal.server";
import { SiteHeader } from "../components/site-header";
import { requireUser } from "../lib/auth.server";
import { retryAfter, retryAfterHeaders } from "../lib/rate-limit.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";

export const headers = retryAfterHeaders;

export const handle: RouteHandle = {
  i18n: ["billing", "payment"],
  title: (t) => t("billing:page.title"),
};

/**
 * The link in the "payment failed" email: signs the member in if needed (requireUser sends to
 * login and back here), then opens their customer portal to update the card.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // ?flow=update_card (the payment-failed email) opens the portal on replacing the card.
  const flow =
    new URL(request.url).searchParams.get("flow") === "update_card" ? "update_card" : "manage";
  const result = await openCustomerPortalLimited(db(), stripe(), user, request, Date.now(), flow);
  if (result.kind === "redirect") return redirect(result.url, 303);
  return data(
    { user: { name: user.name, role: user.role }, message: result.message },
    { status: result.status, headers: retryAfter(result) },
  );
}

export default function BillingPortalProblem() {
  const { user, message } = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        <h1>{t("billing:page.portalProblem")}</h1>
        <p className="notice bad" role="alert">
          {translateMessage(t, message)}
        </p>
        <p>
          <Link to={`/dashboard/${user.role}/billing`} className="button">
            {t("payment:subscription.billing")}
          </Link>
        </p>
      </main>
    </>
  );
}
