import { Link } from "@remix-run/react";
import type { Role } from "../../db/schema";
import { receiptPath } from "../billing/member-view";
import type { CheckoutReturn } from "../payments/success.server";

interface Props {
  result: CheckoutReturn;
  role: Role;
}

/** What a member sees on the success page for each outcome of the return from Checkout. */
export function PaymentOutcome({ result, role }: Props) {
  return (
    <>
      {result.kind === "paid" ? (
        <>
          <h1>Payment successful</h1>
          <p className="notice ok">Thank you! Your access is active until {result.accessEndsOn}.</p>
          <p className="muted">
            A confirmation email is on its way.{" "}
            <a href={receiptPath(role, result.paymentId)}>See your receipt</a>.
          </p>
        </>
      ) : result.kind === "processing" ? (
        <>
          <h1>Confirming your payment</h1>
          <p className="notice" role="status">
            Your payment is being processed. This page refreshes by itself; it usually takes a few
            seconds.
          </p>
        </>
      ) : result.kind === "expired" ? (
        <>
          <h1>Checkout expired</h1>
          <p className="notice warn">
            This checkout expired before it was paid. Nothing was charged.
          </p>
          <p>
            <Link to={`/dashboard/${role}/payment`}>Go to the payment page</Link>
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
        <Link to={`/dashboard/${role}`} className="button">
          Go to your dashboard
        </Link>
      </p>
    </>
  );
}
