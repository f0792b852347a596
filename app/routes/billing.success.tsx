import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
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

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Subscription | Talents Acting" },
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
  const body = { user: { name: user.name, role: user.role }, result };
  return result.kind === "problem"
    ? data(body, { status: result.status, headers: retryAfter(result) })
    : body;
}

export default function SubscriptionSuccess() {
  const { user, result } = useLoaderData<typeof loader>();
  useRevalidateWhile(result.kind === "processing");

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        {result.kind === "started" ? (
          <>
            <h1>{result.trialEndsOn ? "Your free trial has started" : "Subscription started"}</h1>
            <p className="notice ok">
              {result.trialEndsOn
                ? `Your ${result.planName} is active. Your free trial runs until ${result.trialEndsOn}; then ${result.price}.`
                : `Thank you! Your ${result.planName} is active${result.renewsOn ? ` and renews on ${result.renewsOn}` : ""} at ${result.price}.`}
            </p>
            <p className="muted">A confirmation email is on its way.</p>
          </>
        ) : result.kind === "processing" ? (
          <>
            <h1>Confirming your subscription</h1>
            <p className="notice" role="status">
              Your subscription is being set up. This page refreshes by itself; it usually takes a
              few seconds.
            </p>
          </>
        ) : result.kind === "expired" ? (
          <>
            <h1>Checkout expired</h1>
            <p className="notice warn">
              This checkout expired before it was completed. Nothing was charged.
            </p>
          </>
        ) : (
          <>
            <h1>We could not show this subscription</h1>
            <p className="notice bad" role="alert">
              {result.message}
            </p>
          </>
        )}
        <p>
          <Link to={`/dashboard/${user.role}/billing`} className="button">
            Go to billing
          </Link>
        </p>
      </main>
    </>
  );
}
