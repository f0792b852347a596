import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { PaymentOutcome } from "../components/payment-outcome";
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
        <PaymentOutcome result={result} role={user.role} />
      </main>
    </>
  );
}
