import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import type { RouteHandle } from "../i18n/handle";
import { requestWords } from "../i18n/words.server";
import { PaymentOutcome } from "../components/payment-outcome";
import { SiteHeader } from "../components/site-header";
import { PROCESSING_REFRESH_SECONDS, useRevalidateWhile } from "../components/use-revalidate-while";
import { requireUser } from "../lib/auth.server";
import { retryAfter, retryAfterHeaders } from "../lib/rate-limit.server";
import { allowStripeCall } from "../lib/stripe-call-limits.server";
import { db } from "../lib/db.server";
import { stripe } from "../lib/stripe.server";
import { confirmCheckoutReturn } from "../payments/success.server";
import { now } from "../lib/clock.server";

export const headers = retryAfterHeaders;

export const handle: RouteHandle = {
  i18n: ["payment"],
  title: (t) => t("payment:page.title"),
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  // Without JavaScript the browser reloads while the payment is still being confirmed.
  ...(data?.result.kind === "processing"
    ? [{ httpEquiv: "refresh", content: String(PROCESSING_REFRESH_SECONDS) }]
    : []),
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const sessionId = new URL(request.url).searchParams.get("session_id");
  const result = await confirmCheckoutReturn(db(), stripe(), user, sessionId, now(), {
    beforeStripeCall: () => allowStripeCall(request, user.id, "checkout-return"),
  });
  const w = await requestWords(request);
  const body = {
    user: { name: user.name, role: user.role },
    result:
      result.kind === "paid" ? { ...result, accessEndsOn: w.date(result.accessEndsAt) } : result,
  };
  return result.kind === "problem"
    ? data(body, { status: result.status, headers: retryAfter(result) })
    : body;
}

export default function PaymentSuccess() {
  const { user, result } = useLoaderData<typeof loader>();
  useRevalidateWhile(result.kind === "processing");

  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        <PaymentOutcome result={result} role={user.role} />
      </main>
    </>
  );
}
