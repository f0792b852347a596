import type Stripe from "stripe";
import { CHECKOUT_STYLE } from "./checkout-style.js";
import { document, html } from "./html.js";
import type { SafeHtml } from "./html.js";
import { formatAmount } from "./money.js";

function card(title: string, content: SafeHtml): string {
  return document(
    title,
    CHECKOUT_STYLE,
    html`<main class="center"><div class="card">${content}</div></main>`,
  );
}

export function successUrlFor(session: Stripe.Checkout.Session): string | null {
  return session.success_url
    ? session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id)
    : null;
}

export function renderPaidPage(merchantName: string, session: Stripe.Checkout.Session): string {
  const returnUrl = successUrlFor(session);
  if (session.mode !== "payment") {
    return card(
      "Already done",
      html`<h1>You're all set</h1>
        <p>
          ${session.mode === "subscription" ? `Your subscription to ${merchantName} has started.` : `Your card is saved with ${merchantName}.`}
          Nothing more to do.
        </p>
        ${returnUrl ? html`<p><a class="link" href="${returnUrl}" data-testid="return-link">Return to ${merchantName}</a></p>` : ""}`,
    );
  }
  return card(
    "Already paid",
    html`<h1>Already paid</h1>
      <p>
        This payment of ${formatAmount(session.amount_total ?? 0, session.currency ?? "usd")} to
        ${merchantName} is complete. Nothing more to do.
      </p>
      ${returnUrl ? html`<p><a class="link" href="${returnUrl}" data-testid="return-link">Return to ${merchantName}</a></p>` : ""}`,
  );
}

export function renderExpiredPage(merchantName: string, session: Stripe.Checkout.Session): string {
  return card(
    "Checkout session expired",
    html`<h1>This checkout session has expired</h1>
      <p>
        The time to complete this payment to ${merchantName} has run out. Start again from
        ${merchantName} to pay.
      </p>
      ${session.cancel_url ? html`<p><a class="link" href="${session.cancel_url}" data-testid="business-link">Back to ${merchantName}</a></p>` : ""}`,
  );
}

export function renderNotFoundPage(): string {
  return card(
    "Page not found",
    html`<h1>Something went wrong</h1>
      <p>
        The page you were looking for could not be found. Please check the URL or contact the
        merchant.
      </p>`,
  );
}

export function renderThreeDSecurePage(
  merchantName: string,
  session: Stripe.Checkout.Session,
  paymentIntent: Stripe.PaymentIntent,
): string {
  const action = `/c/pay/${session.id}/authenticate`;
  return card(
    "3D Secure 2 Test Page",
    html`<h1>3D Secure 2 Test Page</h1>
      <p>
        ${merchantName} asks your bank to confirm this payment of
        <strong>${formatAmount(paymentIntent.amount, paymentIntent.currency)}</strong>. This is a
        test challenge: choose the outcome.
      </p>
      <div class="actions">
        <form method="post" action="${action}">
          <input type="hidden" name="outcome" value="complete" />
          <button class="pay" type="submit" data-testid="hosted-3ds-complete">
            Complete authentication
          </button>
        </form>
        <form method="post" action="${action}">
          <input type="hidden" name="outcome" value="fail" />
          <button class="pay secondary" type="submit" data-testid="hosted-3ds-fail">
            Fail authentication
          </button>
        </form>
      </div>`,
  );
}
