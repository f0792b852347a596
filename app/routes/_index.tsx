import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { recurringPrice } from "../billing/member-words.server";
import type { RouteHandle } from "../i18n/handle";
import { roleName } from "../i18n/plans";
import { requestWords } from "../i18n/words.server";
import { SiteHeader } from "../components/site-header";
import { getUser } from "../lib/auth.server";
import { membershipOffer } from "../billing/offer.server";
import { ROLES } from "../lib/roles";

export const handle: RouteHandle = { i18n: ["payment"], title: (t) => t("common:home.title") };

export const meta: MetaFunction = () => [
  {
    name: "description",
    content: "Talents Acting connects talents, professionals and companies in acting.",
  },
];

const DESCRIPTIONS = {
  talent: "payment:page.description.talent",
  professional: "payment:page.description.professional",
  company: "payment:page.description.company",
} as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const w = await requestWords(request);
  return {
    user: user ? { name: user.name, role: user.role } : null,
    plans: ROLES.map((role) => {
      const offer = membershipOffer(role);
      return {
        role,
        description: w.t(DESCRIPTIONS[role]),
        price: w.money(offer.once),
        monthly: recurringPrice(w, offer.monthly),
        yearly: recurringPrice(w, offer.yearly),
        trialDays: offer.trialDays,
      };
    }),
  };
}

export default function Index() {
  const { user, plans } = useLoaderData<typeof loader>();
  const { t } = useTranslation("common");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page">
        <h1>Talents Acting</h1>
        <p>{t("common:home.intro")}</p>
        <div className="plans">
          {plans.map((plan) => (
            <section key={plan.role} className="card" aria-labelledby={`plan-${plan.role}`}>
              <h2 id={`plan-${plan.role}`}>{roleName(t, plan.role)}</h2>
              <p className="price nowrap">
                {plan.price} <span className="muted">{t("common:home.perYear")}</span>
              </p>
              <p>
                {plan.trialDays > 0 ? (
                  <Trans
                    t={t}
                    i18nKey="common:home.orRenewingTrial"
                    values={{ monthly: plan.monthly, yearly: plan.yearly }}
                    count={plan.trialDays}
                    components={{ nowrap: <span className="nowrap" />, strong: <strong /> }}
                  />
                ) : (
                  <Trans
                    t={t}
                    i18nKey="common:home.orRenewing"
                    values={{ monthly: plan.monthly, yearly: plan.yearly }}
                    components={{ nowrap: <span className="nowrap" /> }}
                  />
                )}
              </p>
              <p className="muted">{plan.description}</p>
            </section>
          ))}
        </div>
        <p className="actions">
          {user ? (
            <Link to={`/dashboard/${user.role}`} className="button">
              {t("common:home.dashboard")}
            </Link>
          ) : (
            <>
              <Link to="/register" className="button">
                {t("common:nav.register")}
              </Link>
              <Link to="/login" className="button secondary">
                {t("common:nav.login")}
              </Link>
            </>
          )}
        </p>
      </main>
    </>
  );
}
