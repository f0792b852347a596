import { Link } from "@remix-run/react";

export interface PaywallProps {
  message: string;
  /** the viewer's own payment page; null when paying would not unlock this */
  paymentPath: string | null;
  /** the price and trial in one sentence */
  offer?: string | null;
}

/** Shown in place of premium content the viewer may not see. */
export function Paywall({ message, paymentPath, offer }: PaywallProps) {
  return (
    <section className="card paywall" aria-labelledby="paywall-heading">
      <h2 id="paywall-heading">Members only</h2>
      <p>{message}</p>
      {offer ? <p className="muted">{offer}</p> : null}
      {paymentPath ? (
        <p>
          <Link to={paymentPath} className="button">
            Choose your plan
          </Link>
        </p>
      ) : null}
    </section>
  );
}
