import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { recurringPrice } from "../billing/member-words.server";
import type { RouteHandle } from "../i18n/handle";
import { translateMessage } from "../i18n/messages";
import { requestWords } from "../i18n/words.server";
import { confirmSubscriptionReturn } from "../billing/subscription-success.server";
import { SiteHeader } from "../components/site-header";
import { PROCESSING_REFRESH_SECONDS, useRevalidateWhile } from "../components/use-revalidate-while";
import { requireUser } from "../lib/auth.server";
import { retryAfter, retryAfterHeaders } from "../lib/rate-limit.server";
import { allowStripeCall } from "../lib/stripe-call-limits.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { now } from "../lib/clock.server";

export const headers = retryAfterHeaders;

export const handle: RouteHandle = {
  i18n: ["payment"],
  title: (t) => t("payment:subscription.title"),
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  // Without JavaScript the browser reloads while the subscription is still being confirmed.
  ...(data?.result.kind === "processing"
    ? [{ httpEquiv: "refresh", content: String(PROCESSING_REFRESH_SECONDS) }]
    : []),
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const result = await confirmSubscriptionReturn(
    db(),
    stripe(),
    user,
    new URL(request.url).searchParams.get("session_id"),
    now(),
    { beforeStripeCall: () => allowStripeCall(request, user.id, "checkout-return") },
  );
  const w = await requestWords(request);
  const body = {
    user: { name: user.name, role: user.role },
    result:
      result.kind === "started"
        ? {
            ...result,
            planName: w.plan(result.plan, result.planName),
            price: recurringPrice(w, result.amount),
            trialEndsOn: result.trialEndsAt ? w.date(result.trialEndsAt) : null,
            renewsOn: result.renewsAt ? w.date(result.renewsAt) : null,
          }
        : result,
  };
  return result.kind === "problem"
    ? data(body, { status: result.status, headers: retryAfter(result) })
    : body;
}

export default function SubscriptionSuccess() {
  const { user, result } = useLoaderData<typeof loader>();
  useRevalidateWhile(result.kind === "processing");
  const { t } = useTranslation("payment");

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        {result.kind === "started" ? (
          <>
            <h1>
              {result.trialEndsOn
                ? t("payment:subscription.trialHeading")
                : t("payment:subscription.startedHeading")}
            </h1>
            <p className="notice ok">
              {result.trialEndsOn
                ? t("payment:subscription.trialBody", {
                    plan: result.planName,
                    date: result.trialEndsOn,
                    price: result.price,
                  })
                : result.renewsOn
                  ? t("payment:subscription.renewsBody", {
                      plan: result.planName,
                      date: result.renewsOn,
                      price: result.price,
                    })
                  : t("payment:subscription.activeBody", {
                      plan: result.planName,
                      price: result.price,
                    })}
            </p>
            <p className="muted">{t("payment:outcome.emailOnItsWay")}</p>
          </>
        ) : result.kind === "processing" ? (
          <>
            <h1>{t("payment:subscription.confirming")}</h1>
            <p className="notice" role="status">
              {t("payment:subscription.settingUp")}
            </p>
          </>
        ) : result.kind === "expired" ? (
          <>
            <h1>{t("payment:outcome.expiredHeading")}</h1>
            <p className="notice warn">{t("payment:subscription.expired")}</p>
          </>
        ) : (
          <>
            <h1>{t("payment:subscription.problem")}</h1>
            <p className="notice bad" role="alert">
              {translateMessage(t, result.message)}
            </p>
          </>
        )}
        <p>
          <Link to={`/dashboard/${user.role}/billing`} className="button">
            {t("payment:subscription.billing")}
          </Link>
        </p>
      </main>
    </>
  );
}
