import type Stripe from "stripe";
import { CHECKOUT_STYLE } from "./checkout-style.js";
import type { CheckoutField, CheckoutFormValues, FieldErrors } from "./checkout-form.js";
import { document, html, raw } from "./html.js";
import type { SafeHtml } from "./html.js";
import { formatAmount } from "./money.js";
import { COUNTRIES, POSTAL_CODE_COUNTRIES } from "./countries.js";
import { cardRequired } from "../domain/checkout-billing.js";

export interface CheckoutPageModel {
  merchantName: string;
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  values: CheckoutFormValues;
  errors: FieldErrors;
  /** A decline or authentication failure, shown above the form. */
  banner: string | null;
  /** Subscription mode: the free trial, if there is one. */
  trial?: { days: number; end: number } | null;
}

/** "per month", "every 3 months", "per year". */
export function perInterval(recurring: Stripe.Price.Recurring): string {
  return recurring.interval_count === 1
    ? `per ${recurring.interval}`
    : `every ${recurring.interval_count} ${recurring.interval}s`;
}

function longDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** Stripe's subscription summary: "Subscribe to X", "MAD 30.00 per month", or "30 days free" then the price. */
function subscriptionSummary(model: CheckoutPageModel): SafeHtml {
  const { session, lineItems } = model;
  const currency = session.currency ?? "usd";
  const recurring = lineItems[0]?.price?.recurring;
  const per = recurring ? perInterval(recurring) : "";
  const name =
    lineItems.length === 1 ? (lineItems[0]?.description ?? model.merchantName) : model.merchantName;
  const recurringTotal = lineItems.reduce(
    (sum, item) => sum + (item.price?.unit_amount ?? 0) * (item.quantity ?? 1),
    0,
  );
  const trialEnd = model.trial?.end ?? null;
  const trialDays = model.trial?.days ?? 0;
  return html`<section class="summary">
    <div class="summary-inner">
      <div class="topbar">
        ${
          session.cancel_url
            ? html`<a
                class="back"
                href="${session.cancel_url}"
                data-testid="business-link"
                aria-label="Back to ${model.merchantName}"
                ><span aria-hidden="true">&larr;</span> Back</a
              >`
            : ""
        }
        <span class="merchant">${model.merchantName}</span>
        <span class="badge">Test mode</span>
      </div>
      <p class="pay-label">${trialEnd ? `Try ${name}` : `Subscribe to ${name}`}</p>
      ${
        trialEnd
          ? html`<p class="total" data-testid="product-summary-total-amount">
                ${trialDays} days free
              </p>
              <p class="then" data-testid="trial-then">
                Then ${formatAmount(recurringTotal, currency)} ${per} starting ${longDate(trialEnd)}
              </p>`
          : html`<p class="total" data-testid="product-summary-total-amount">
              ${formatAmount(recurringTotal, currency)} <span class="per">${per}</span>
            </p>`
      }
      <ul class="items">
        ${lineItems.map(
          (item) =>
            html`<li class="item" data-testid="line-item">
              <span class="item-name">${item.description}</span>
              <span class="item-amount"
                >${formatAmount((item.price?.unit_amount ?? 0) * (item.quantity ?? 1), item.currency)}</span
              >
              <span class="item-qty"
                >${item.price?.recurring ? `Billed ${item.price.recurring.interval_count === 1 ? `${item.price.recurring.interval}ly`.replace("dayly", "daily") : perInterval(item.price.recurring)}` : ""}${(item.quantity ?? 1) > 1 ? html` &middot; Qty ${item.quantity ?? 1}` : ""}</span
              >
            </li>`,
        )}
      </ul>
      <div class="rows">
        <div class="row due">
          <span>Total due today</span
          ><span data-testid="total-due">${formatAmount(session.amount_total ?? 0, currency)}</span>
        </div>
      </div>
    </div>
  </section>`;
}

function setupSummary(model: CheckoutPageModel): SafeHtml {
  const { session } = model;
  return html`<section class="summary">
    <div class="summary-inner">
      <div class="topbar">
        ${
          session.cancel_url
            ? html`<a
                class="back"
                href="${session.cancel_url}"
                data-testid="business-link"
                aria-label="Back to ${model.merchantName}"
                ><span aria-hidden="true">&larr;</span> Back</a
              >`
            : ""
        }
        <span class="merchant">${model.merchantName}</span>
        <span class="badge">Test mode</span>
      </div>
      <p class="pay-label">Set up future payments to ${model.merchantName}</p>
      <p class="note">Your card is saved for future payments. You are not charged now.</p>
    </div>
  </section>`;
}

function countryField(model: CheckoutPageModel): SafeHtml {
  const error = model.errors.billingCountry;
  return html`<div class="field">
    <label for="billingCountry">Country or region</label>
    <select
      id="billingCountry"
      name="billingCountry"
      autocomplete="billing country"
      ${error ? html` aria-invalid="true" aria-describedby="billingCountry-error"` : ""}
    >
      ${COUNTRIES.map((c) => html`<option value="${c.code}" ${c.code === model.values.billingCountry ? raw(" selected") : ""}>${c.name}</option>`)}
    </select>
    ${error ? html`<p class="field-error" id="billingCountry-error" role="alert">${error}</p>` : ""}
  </div>`;
}

const SUBMIT_LABELS: Record<string, string> = { book: "Book", donate: "Donate" };

function submitLabel(model: CheckoutPageModel): string {
  const { session } = model;
  if (session.mode === "setup") return "Save card";
  if (session.mode === "subscription") return model.trial ? "Start trial" : "Subscribe";
  return SUBMIT_LABELS[session.submit_type ?? ""] ?? "Pay";
}

/** Spaces in the card number, "MM / YY" while typing, and no double submits. The form works without it. */
const ENHANCE = raw(`(function(){
var f=document.querySelector("form[data-checkout]");if(!f)return;
var n=f.querySelector("#cardNumber"),e=f.querySelector("#cardExpiry"),b=f.querySelector("[data-testid=hosted-payment-submit-button]");
if(n)n.addEventListener("input",function(){var d=n.value.replace(/\\D/g,"").slice(0,19);n.value=d.replace(/(\\d{4})(?=\\d)/g,"$1 ");});
if(e)e.addEventListener("input",function(){var d=e.value.replace(/\\D/g,"").slice(0,4);e.value=d.length>2?d.slice(0,2)+" / "+d.slice(2):d;});
f.addEventListener("submit",function(){if(!b)return;setTimeout(function(){b.disabled=true;},0);b.setAttribute("aria-busy","true");var l=b.querySelector(".label");if(l)l.textContent="Processing\\u2026";});
})();`);

function field(
  name: CheckoutField,
  label: string,
  model: CheckoutPageModel,
  attributes: SafeHtml,
): SafeHtml {
  const error = model.errors[name];
  const value = name === "cardCvc" ? "" : model.values[name];
  return html`<div class="field">
    <label for="${name}">${label}</label>
    <input
      id="${name}"
      name="${name}"
      value="${value}"
      ${attributes}${error ? html` aria-invalid="true" aria-describedby="${name}-error"` : ""}
    />
    ${error ? html`<p class="field-error" id="${name}-error" role="alert">${error}</p>` : ""}
  </div>`;
}

export function summary(
  merchantName: string,
  session: Stripe.Checkout.Session,
  lineItems: Stripe.LineItem[],
): SafeHtml {
  const currency = session.currency ?? "usd";
  const total = formatAmount(session.amount_total ?? 0, currency);
  return html`<section class="summary">
    <div class="summary-inner">
      <div class="topbar">
        ${
          session.cancel_url
            ? html`<a
                class="back"
                href="${session.cancel_url}"
                data-testid="business-link"
                aria-label="Back to ${merchantName}"
                ><span aria-hidden="true">&larr;</span> Back</a
              >`
            : ""
        }
        <span class="merchant">${merchantName}</span>
        <span class="badge">Test mode</span>
      </div>
      <p class="pay-label">Pay ${merchantName}</p>
      <p class="total" data-testid="product-summary-total-amount">${total}</p>
      <ul class="items">
        ${lineItems.map(
          (item) =>
            html`<li class="item" data-testid="line-item">
              <span class="item-name">${item.description}</span>
              <span class="item-amount">${formatAmount(item.amount_total, item.currency)}</span>
              <span class="item-qty"
                >${`Qty ${item.quantity ?? 1}`}${(item.quantity ?? 1) > 1 ? html` &times; ${formatAmount(item.price?.unit_amount ?? 0, item.currency)} each` : ""}</span
              >
            </li>`,
        )}
      </ul>
      <div class="rows">
        ${
          session.amount_subtotal !== session.amount_total
            ? html`<div class="row">
                <span>Subtotal</span
                ><span>${formatAmount(session.amount_subtotal ?? 0, currency)}</span>
              </div>`
            : ""
        }
        <div class="row due">
          <span>Total due</span><span data-testid="total-due">${total}</span>
        </div>
      </div>
    </div>
  </section>`;
}

export function renderCheckoutPage(model: CheckoutPageModel): string {
  const { session } = model;
  const action = `/c/pay/${session.id}`;
  const needsCard = cardRequired(session);
  const left =
    session.mode === "subscription"
      ? subscriptionSummary(model)
      : session.mode === "setup"
        ? setupSummary(model)
        : summary(model.merchantName, session, model.lineItems);
  const postalRules = [...POSTAL_CODE_COUNTRIES]
    .map(
      (code) => `form:has(#billingCountry option[value="${code}"]:checked) .postal{display:block}`,
    )
    .join("");
  const body = html`<style>
      .postal{display:none}${raw(postalRules)}
    </style>
    <main class="checkout">
      ${left}
      <section class="payment">
        <div class="payment-inner">
          <h1>
            ${session.mode === "payment" ? "Pay with card" : needsCard ? "Card information" : "Contact information"}
          </h1>
          ${model.banner ? html`<div class="banner" role="alert" data-testid="payment-error">${model.banner}</div>` : ""}
          <form method="post" action="${action}" data-checkout novalidate>
            ${field("email", "Email", model, html`type="email" autocomplete="email" placeholder="you@example.com" spellcheck="false"`)}
            ${
              needsCard
                ? html`${field("cardNumber", "Card number", model, html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"`)}
                    <div class="card-grid">
                      ${field("cardExpiry", "Expiration", model, html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY"`)}
                      ${field("cardCvc", "CVC", model, html`type="text" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" maxlength="4"`)}
                    </div>`
                : ""
            }
            ${field("billingName", "Cardholder name", model, html`type="text" autocomplete="cc-name" placeholder="Full name on card"`)}
            ${countryField(model)}
            <div class="postal">
              ${field("billingPostalCode", "ZIP / Postal code", model, html`type="text" autocomplete="billing postal-code" placeholder="ZIP"`)}
            </div>
            <input
              type="checkbox"
              id="enableStripePass"
              name="enableStripePass"
              value="true"
              hidden
              aria-hidden="true"
              tabindex="-1"
            />
            <button class="pay" type="submit" data-testid="hosted-payment-submit-button">
              <span class="label">${submitLabel(model)}</span>
            </button>
          </form>
          <details class="testcards">
            <summary>Test cards</summary>
            <p>
              <code>4242 4242 4242 4242</code> succeeds &middot; <code>4000 0000 0000 0002</code> is
              declined &middot; <code>4000 0000 0000 9995</code> has insufficient funds &middot;
              <code>4000 0025 0000 3155</code> asks for 3-D Secure. Any future expiry, any CVC.
            </p>
          </details>
          <p class="footer">
            stripe-sim &middot; a local stand-in for Stripe Checkout. No real payment is made.
          </p>
        </div>
      </section>
    </main>`;
  return document(`Pay ${model.merchantName}`, CHECKOUT_STYLE, body, ENHANCE);
}
