import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SiteHeader } from "../components/site-header";
import { getUser } from "../lib/auth.server";
import { env } from "../lib/env.server";
import { membershipOffer } from "../billing/offer.server";
import { planForRole } from "../payments/pricing";
import { roleLabel, ROLES } from "../lib/roles";

export const meta: MetaFunction = () => [
  { title: "Talents Acting" },
  {
    name: "description",
    content: "Talents Acting connects talents, professionals and companies in acting.",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  const currency = env().pricingCurrency;
  return {
    user: user ? { name: user.name, role: user.role } : null,
    plans: ROLES.map((role) => {
      const plan = planForRole(role, currency);
      const offer = membershipOffer(role);
      return {
        role,
        label: roleLabel(role),
        name: plan.name,
        description: plan.description,
        price: offer.once,
        monthly: offer.monthly,
        yearly: offer.yearly,
        trialDays: offer.trialDays,
      };
    }),
  };
}

export default function Index() {
  const { user, plans } = useLoaderData<typeof loader>();
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page">
        <h1>Talents Acting</h1>
        <p>
          The meeting place for acting: talents show their profile and answer casting calls,
          professionals and companies find the right people. Pay for a year at once, or choose a
          monthly or yearly plan that renews by itself and starts with a free trial.
        </p>
        <div className="plans">
          {plans.map((plan) => (
            <section key={plan.role} className="card" aria-labelledby={`plan-${plan.role}`}>
              <h2 id={`plan-${plan.role}`}>{plan.label}</h2>
              <p className="price nowrap">
                {plan.price} <span className="muted">/ year</span>
              </p>
              <p>
                or <span className="nowrap">{plan.monthly}</span>, or{" "}
                <span className="nowrap">{plan.yearly}</span>
                {plan.trialDays > 0 ? (
                  <>
                    {" "}
                    with the first <strong>{plan.trialDays} days free</strong>
                  </>
                ) : null}
                .
              </p>
              <p className="muted">{plan.description}</p>
            </section>
          ))}
        </div>
        <p className="actions">
          {user ? (
            <Link to={`/dashboard/${user.role}`} className="button">
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link to="/register" className="button">
                Register
              </Link>
              <Link to="/login" className="button secondary">
                Log in
              </Link>
            </>
          )}
        </p>
      </main>
    </>
  );
}
