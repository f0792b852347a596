import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { SiteHeader } from "../components/site-header";
import { requireUser } from "../lib/auth.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { confirmCheckoutReturn } from "../payments/success.server";

const REFRESH_SECONDS = 3;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: "Payment | Talents Acting" },
  // Without JavaScript the browser reloads while the payment is still being confirmed.
  ...(data?.result.kind === "processing" ? [{ httpEquiv: "refresh", content: String(REFRESH_SECONDS) }] : []),
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessionId = new URL(request.url).searchParams.get("session_id");
  const result = await confirmCheckoutReturn(db(), stripe(), user, sessionId);
  const body = { user: { name: user.name, role: user.role }, result };
  return result.kind === "problem" ? data(body, { status: result.status }) : body;
}

export default function PaymentSuccess() {
  const { user, result } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const processing = result.kind === "processing";

  useEffect(() => {
    if (!processing) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, REFRESH_SECONDS * 1000);
    return () => clearInterval(timer);
  }, [processing, revalidator]);

  return (
    <>
      <SiteHeader user={user} />
      <main className="page narrow">
        {result.kind === "paid" ? (
          <>
            <h1>Payment successful</h1>
            <p className="notice ok">Thank you! Your access is active until {result.accessEndsOn}.</p>
            <p className="muted">
              Payment reference: <code>{result.reference}</code>. A confirmation email is on its way.
            </p>
          </>
        ) : result.kind === "processing" ? (
          <>
            <h1>Confirming your payment</h1>
            <p className="notice" role="status">
              Your payment is being processed. This page refreshes by itself; it usually takes a few seconds.
            </p>
          </>
        ) : result.kind === "expired" ? (
          <>
            <h1>Checkout expired</h1>
            <p className="notice warn">This checkout expired before it was paid. Nothing was charged.</p>
            <p>
              <Link to={`/dashboard/${user.role}/payment`}>Go to the payment page</Link>
            </p>
          </>
        ) : (
          <>
            <h1>We could not show this payment</h1>
            <p className="notice bad" role="alert">
              {result.message}
            </p>
          </>
        )}
        <p>
          <Link to={`/dashboard/${user.role}`} className="button">
            Go to your dashboard
          </Link>
        </p>
      </main>
    </>
  );
}
