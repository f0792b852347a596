import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { RouteHandle } from "../i18n/handle";
import { requestWords } from "../i18n/words.server";
import { findTalentProfile } from "../access/directory.server";
import { accessFor, PREMIUM_HEADERS, premiumAccess } from "../access/guard.server";
import { parseId } from "../access/inputs.server";
import { Paywall } from "../components/paywall";
import { SiteHeader } from "../components/site-header";
import { now } from "../lib/clock.server";
import { db } from "../lib/db.server";

export const handle: RouteHandle = {
  i18n: ["talents", "billing"],
  title: (t, data) =>
    (data as { talent?: { name?: string } | null } | undefined)?.talent?.name ??
    t("talents:profile.talent"),
};

export const headers: HeadersFunction = () => PREMIUM_HEADERS;

/**
 * The profile is for every signed-in member of the directory; the contact email only for those
 * with talent-contact access (and for the talent themselves). Without it the page answers 403
 * with the paywall in the email's place. A talent who is not listed is not found, except by
 * themselves.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const directory = await premiumAccess(request, "talent-directory");
  const user = { name: directory.user.name, role: directory.user.role };
  if (!directory.allowed) {
    return data(
      { user, talent: null, paywall: directory.paywall },
      { status: 403, headers: PREMIUM_HEADERS },
    );
  }

  const id = parseId(params.id);
  const profile = id === null ? undefined : await findTalentProfile(db(), id, now());
  const own = profile?.id === directory.user.id;
  if (!profile || (!profile.listed && !own)) {
    return data({ user, talent: null, paywall: null }, { status: 404, headers: PREMIUM_HEADERS });
  }

  const contact = own ? null : accessFor(directory.user, "talent-contact");
  const showContact = own || contact?.allowed === true;
  const talent = {
    id: profile.id,
    name: profile.name,
    headline: profile.headline,
    memberSince: (await requestWords(request)).date(profile.memberSince),
    listed: profile.listed,
    own,
    email: showContact ? profile.email : null,
  };
  const paywall = contact && !contact.allowed ? contact.paywall : null;
  return data({ user, talent, paywall }, { status: paywall ? 403 : 200, headers: PREMIUM_HEADERS });
}

export default function TalentProfilePage() {
  const { user, talent, paywall } = useLoaderData<typeof loader>();
  const { t } = useTranslation("talents");
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page">
        {talent ? (
          <>
            <h1>{talent.name}</h1>
            <section
              className="card"
              aria-labelledby="profile-heading"
              style={{ overflowWrap: "anywhere" }}
            >
              <h2 id="profile-heading">{t("talents:profile.heading")}</h2>
              {talent.own && !talent.listed ? (
                <p className="notice warn">{t("talents:profile.notListed")}</p>
              ) : null}
              <dl className="account-facts">
                <dt>{t("talents:profile.headline")}</dt>
                <dd>
                  {talent.headline ?? (
                    <span className="muted">{t("talents:profile.noHeadline")}</span>
                  )}
                </dd>
                {talent.listed ? (
                  <>
                    <dt>{t("talents:memberSince")}</dt>
                    <dd>{talent.memberSince}</dd>
                  </>
                ) : null}
                {talent.email ? (
                  <>
                    <dt>{t("talents:profile.email")}</dt>
                    <dd>
                      <a href={`mailto:${talent.email}`}>{talent.email}</a>
                    </dd>
                  </>
                ) : null}
              </dl>
              {talent.email && !talent.own ? (
                <p>
                  <a href={`/talents/${talent.id}/contact`} download>
                    {t("talents:profile.contactCard")}
                  </a>
                </p>
              ) : null}
            </section>
            {paywall ? (
              <Paywall
                message={paywall.message}
                paymentPath={paywall.paymentPath}
                offer={paywall.offer}
              />
            ) : null}
          </>
        ) : paywall ? (
          <>
            <h1>{t("common:nav.talents")}</h1>
            <Paywall
              message={paywall.message}
              paymentPath={paywall.paymentPath}
              offer={paywall.offer}
            />
          </>
        ) : (
          <>
            <h1>{t("talents:profile.notFound")}</h1>
            <p>{t("talents:profile.notFoundDetail")}</p>
          </>
        )}
        <p>
          <Link to="/talents">{t("talents:paywall.back")}</Link>
        </p>
      </main>
    </>
  );
}
