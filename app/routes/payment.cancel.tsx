import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RouteHandle } from "../i18n/handle";
import { SiteHeader } from "../components/site-header";
import { requireUser } from "../lib/auth.server";

export const handle: RouteHandle = {
  i18n: ["payment"],
  title: (t) => t("payment:cancel.heading"),
};

// Stripe sends the user here from Checkout's back link. Nothing changes: an open session stays
// reusable from the payment page for a while, and expires at Stripe otherwise.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { user: { name: user.name, role: user.role } };
}

export default function PaymentCancelled() {
  const { user } = useLoaderData<typeof loader>();
  const { t } = useTranslation("payment");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        <h1>{t("payment:cancel.heading")}</h1>
        <p className="notice warn">{t("payment:page.notice.cancelled")}</p>
        <p>
          <Link to={`/dashboard/${user.role}/payment`} className="button">
            {t("payment:cancel.back")}
          </Link>
        </p>
        <p>
          <Link to={`/dashboard/${user.role}`}>{t("payment:outcome.dashboard")}</Link>
        </p>
      </main>
    </>
  );
}
