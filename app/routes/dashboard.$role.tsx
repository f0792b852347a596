import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Trans, useTranslation } from "react-i18next";
import { updateHeadline } from "../access/directory.server";
import { headlineSchema } from "../access/inputs.server";
import { MAX_HEADLINE_LENGTH } from "../access/limits";
import { loadMemberView } from "../billing/member-facts.server";
import { memberSummary } from "../billing/member-words.server";
import { ChargeHistory } from "../components/charge-history";
import { MemberStatus } from "../components/member-status";
import { SiteHeader } from "../components/site-header";
import { FormError } from "../components/ui/form-alerts";
import { StatusButton } from "../components/ui/status-button";
import { TextField } from "../components/ui/text-field";
import type { Role } from "../../db/schema";
import { requireUser } from "../lib/auth.server";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm, readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { runningComplimentaryUntil } from "../staff/complimentary.server";
import type { RouteHandle } from "../i18n/handle";
import { roleName } from "../i18n/plans";
import { requestWords } from "../i18n/words.server";

const HALF_DAY_MS = 12 * 60 * 60 * 1000;

export const handle: RouteHandle = {
  i18n: ["dashboard", "billing"],
  title: (t, data) => {
    const role = (data as { user?: { role?: Role } } | undefined)?.user?.role;
    return role ? t("dashboard:title", { role: roleName(t, role) }) : t("common:nav.dashboard");
  },
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const view = await loadMemberView(db(), user, clockNow());
  const words = await requestWords(request);
  const complimentaryUntil = await runningComplimentaryUntil(db(), user.id, clockNow());
  return {
    user: { name: user.name, role: user.role },
    member: memberSummary(words, view),
    // Access given by staff without payment: "Complimentary access until ..." the calendar day
    // the staff chose (it ends at that day's end, UTC): its noon is the same day in Casablanca.
    complimentaryUntil: complimentaryUntil
      ? words.date(new Date(Date.parse(complimentaryUntil) - HALF_DAY_MS))
      : null,
    billingPath: `/dashboard/${user.role}/billing`,
    // Only talents are listed in the directory, so only they have a headline.
    talent:
      user.role === "talent"
        ? { headline: user.headline ?? "", profilePath: `/talents/${user.id}` }
        : null,
    headlineSaved: new URL(request.url).searchParams.get("headline") === "saved",
  };
}

/** Saves a talent's directory headline (the dashboard's only form). */
export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request, { role: params.role });
  if (user.role !== "talent") throw new Response(null, { status: 403 });
  const read = await readForm(request);
  if (!read.ok)
    return data(
      { fieldErrors: {} as Record<string, string>, formError: read.formError, headline: "" },
      { status: read.status },
    );
  const { form } = read;
  const parsed = parseForm(headlineSchema, form);
  if (!parsed.ok) {
    const submitted = form.get("headline");
    return data(
      {
        fieldErrors: parsed.fieldErrors,
        formError: undefined,
        headline: typeof submitted === "string" ? submitted.slice(0, 1000) : "",
      },
      { status: 400 },
    );
  }
  await updateHeadline(db(), user.id, parsed.data.headline, clockNow());
  return redirect(`/dashboard/${user.role}?headline=saved`, 303);
}

export default function Dashboard() {
  const { user, member, complimentaryUntil, billingPath, talent, headlineSaved } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("dashboard");

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page dashboard">
        <h1>{t("dashboard:title", { role: roleName(t, user.role) })}</h1>
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">{t("dashboard:membership")}</h2>
          <MemberStatus summary={member} />
          {complimentaryUntil ? (
            <p data-testid="complimentary-access">
              {t("dashboard:complimentaryUntil", { date: complimentaryUntil })}
            </p>
          ) : null}
          {member.primary?.kind === "view_billing" ? null : (
            <p>
              <Link to={billingPath}>{t("billing:action.viewBilling")}</Link>
            </p>
          )}
        </section>
        {talent ? (
          <section className="card" aria-labelledby="listing-heading">
            <h2 id="listing-heading">{t("dashboard:listing.heading")}</h2>
            <p className="muted">
              <Trans
                t={t}
                i18nKey="dashboard:listing.intro"
                components={{ directory: <Link to="/talents" /> }}
              />{" "}
              <Link to={talent.profilePath}>{t("dashboard:listing.profile")}</Link>
            </p>
            {headlineSaved && !actionData ? (
              <p className="notice ok" role="status">
                {t("dashboard:listing.saved")}
              </p>
            ) : null}
            <Form method="post" noValidate>
              <FormError message={actionData?.formError} />
              <TextField
                label={t("dashboard:listing.headline")}
                name="headline"
                defaultValue={actionData ? actionData.headline : talent.headline}
                maxLength={MAX_HEADLINE_LENGTH}
                error={actionData?.fieldErrors.headline}
                hint={t("dashboard:listing.hint", { count: MAX_HEADLINE_LENGTH })}
              />
              <StatusButton pendingLabel={t("dashboard:listing.saving")}>
                {t("dashboard:listing.save")}
              </StatusButton>
            </Form>
          </section>
        ) : null}
        <section className="card" aria-labelledby="payments-heading">
          <h2 id="payments-heading">{t("dashboard:history")}</h2>
          <ChargeHistory charges={member.history} />
        </section>
      </main>
    </>
  );
}
