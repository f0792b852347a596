import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
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
import { requireUser } from "../lib/auth.server";
import { now as clockNow } from "../lib/clock.server";
import { db } from "../lib/db.server";
import { parseForm, readForm } from "../lib/forms.server";
import { requireSameOrigin } from "../lib/same-origin.server";
import { runningComplimentaryUntil } from "../staff/complimentary.server";
import { formatDate } from "../lib/format";
import { roleLabel } from "../lib/roles";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data ? `${data.user.roleLabel} dashboard` : "Dashboard"} | Talents Acting` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { role: params.role });
  const view = await loadMemberView(db(), user, clockNow());
  const complimentaryUntil = await runningComplimentaryUntil(db(), user.id, clockNow());
  return {
    user: { name: user.name, role: user.role, roleLabel: roleLabel(user.role) },
    member: memberSummary(view),
    // Access given by staff without payment: "Complimentary access until ..." (the day it ends).
    complimentaryUntil: complimentaryUntil
      ? formatDate(new Date(Date.parse(complimentaryUntil) - 1))
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
  if (user.role !== "talent") throw new Response("Only talents have a headline.", { status: 403 });
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

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page dashboard">
        <h1>{user.roleLabel} dashboard</h1>
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">Your membership</h2>
          <MemberStatus summary={member} />
          {complimentaryUntil ? (
            <p data-testid="complimentary-access">
              Complimentary access until {complimentaryUntil}
            </p>
          ) : null}
          {member.primary?.kind === "view_billing" ? null : (
            <p>
              <Link to={billingPath}>Billing and receipts</Link>
            </p>
          )}
        </section>
        {talent ? (
          <section className="card" aria-labelledby="listing-heading">
            <h2 id="listing-heading">Your directory listing</h2>
            <p className="muted">
              Your name, member-since date and headline are listed in the{" "}
              <Link to="/talents">talent directory</Link> while your membership is active.{" "}
              <Link to={talent.profilePath}>See your profile</Link>
            </p>
            {headlineSaved && !actionData ? (
              <p className="notice ok" role="status">
                Headline saved.
              </p>
            ) : null}
            <Form method="post" noValidate>
              <FormError message={actionData?.formError} />
              <TextField
                label="Headline"
                name="headline"
                defaultValue={actionData ? actionData.headline : talent.headline}
                maxLength={MAX_HEADLINE_LENGTH}
                error={actionData?.fieldErrors.headline}
                hint={`One line, at most ${MAX_HEADLINE_LENGTH} characters. Leave empty to remove it.`}
              />
              <StatusButton pendingLabel="Saving...">Save headline</StatusButton>
            </Form>
          </section>
        ) : null}
        <section className="card" aria-labelledby="payments-heading">
          <h2 id="payments-heading">Payment history</h2>
          <ChargeHistory charges={member.history} />
        </section>
      </main>
    </>
  );
}
