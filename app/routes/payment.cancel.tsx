import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SiteHeader } from "../components/site-header";
import { requireUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Payment cancelled | Talents Acting" }];

// Stripe sends the user here from Checkout's back link. Nothing changes: an open session stays
// reusable from the payment page for a while, and expires at Stripe otherwise.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return { user: { name: user.name, role: user.role } };
}

export default function PaymentCancelled() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <>
      <SiteHeader user={user} />
      <main id="main" className="page narrow">
        <h1>Payment cancelled</h1>
        <p className="notice warn">Payment cancelled, nothing was charged.</p>
        <p>
          <Link to={`/dashboard/${user.role}/payment`} className="button">
            Back to the payment page
          </Link>
        </p>
        <p>
          <Link to={`/dashboard/${user.role}`}>Go to your dashboard</Link>
        </p>
      </main>
    </>
  );
}
