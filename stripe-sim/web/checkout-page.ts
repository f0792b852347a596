import type Stripe from "stripe";
import { CHECKOUT_STYLE } from "./checkout-style.js";
import type { CheckoutField, CheckoutFormValues, FieldErrors } from "./checkout-form.js";
import { document, html, raw } from "./html.js";
import type { SafeHtml } from "./html.js";
import { localizeMessage, longDate, messages } from "./locale.js";
import type { Messages, PageLocale } from "./locale.js";
import { formatAmount } from "./money.js";
import { COUNTRIES, POSTAL_CODE_COUNTRIES } from "./countries.js";
import { cardRequired } from "../domain/checkout-billing.js";
import { TAX_ID_TYPES } from "../domain/tax-ids.js";

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
  /** The page's language (the session's `locale`, or the browser's for `auto`). */
  locale?: PageLocale;
}

/** "per month", "every 3 months", "per year" (or in French). */
export function perInterval(recurring: Stripe.Price.Recurring, locale: PageLocale = "en"): string {
  const m = messages(locale);
  return recurring.interval_count === 1
    ? (m.per[recurring.interval] ?? recurring.interval)
    : m.every(recurring.interval_count, recurring.interval);
}

function backLink(url: string | null, merchantName: string, m: Messages): SafeHtml | string {
  return url
    ? html`<a
        class="back"
        href="${url}"
        data-testid="business-link"
        aria-label="${m.backTo(merchantName)}"
        ><span aria-hidden="true">&larr;</span> ${m.back}</a
      >`
    : "";
}

function topbar(model: CheckoutPageModel, m: Messages): SafeHtml {
  return html`<div class="topbar">
    ${backLink(model.session.cancel_url, model.merchantName, m)}
    <span class="merchant">${model.merchantName}</span>
    <span class="badge">${m.testMode}</span>
  </div>`;
}

function billedLabel(recurring: Stripe.Price.Recurring, locale: PageLocale): string {
  const m = messages(locale);
  return m.billed(
    recurring.interval_count === 1
      ? (m.periodic[recurring.interval] ?? recurring.interval)
      : perInterval(recurring, locale),
  );
}

/** Stripe's subscription summary: "Subscribe to X", "MAD 30.00 per month", or "30 days free" then the price. */
function subscriptionSummary(model: CheckoutPageModel): SafeHtml {
  const { session, lineItems } = model;
  const locale = model.locale ?? "en";
  const m = messages(locale);
  const currency = session.currency ?? "usd";
  const recurring = lineItems[0]?.price?.recurring;
  const per = recurring ? perInterval(recurring, locale) : "";
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
      ${topbar(model, m)}
      <p class="pay-label">${trialEnd ? m.tryProduct(name) : m.subscribeTo(name)}</p>
      ${
        trialEnd
          ? html`<p class="total" data-testid="product-summary-total-amount">
                ${m.daysFree(trialDays)}
              </p>
              <p class="then" data-testid="trial-then">
                ${m.thenStarting(formatAmount(recurringTotal, currency, locale), per, longDate(trialEnd, locale))}
              </p>`
          : html`<p class="total" data-testid="product-summary-total-amount">
              ${formatAmount(recurringTotal, currency, locale)} <span class="per">${per}</span>
            </p>`
      }
      <ul class="items">
        ${lineItems.map(
          (item) =>
            html`<li class="item" data-testid="line-item">
              <span class="item-name">${item.description}</span>
              <span class="item-amount"
                >${formatAmount((item.price?.unit_amount ?? 0) * (item.quantity ?? 1), item.currency, locale)}</span
              >
              <span class="item-qty"
                >${item.price?.recurring ? billedLabel(item.price.recurring, locale) : ""}${(item.quantity ?? 1) > 1 ? html` &middot; ${m.qty(item.quantity ?? 1)}` : ""}</span
              >
            </li>`,
        )}
      </ul>
      <div class="rows">
        <div class="row due">
          <span>${m.totalDueToday}</span
          ><span data-testid="total-due"
            >${formatAmount(session.amount_total ?? 0, currency, locale)}</span
          >
        </div>
      </div>
    </div>
  </section>`;
}

function setupSummary(model: CheckoutPageModel): SafeHtml {
  const m = messages(model.locale ?? "en");
  return html`<section class="summary">
    <div class="summary-inner">
      ${topbar(model, m)}
      <p class="pay-label">${m.setupTitle(model.merchantName)}</p>
      <p class="note">${m.setupNote}</p>
    </div>
  </section>`;
}

function countryField(model: CheckoutPageModel, m: Messages): SafeHtml {
  const error = model.errors.billingCountry;
  return html`<div class="field">
    <label for="billingCountry">${m.countryOrRegion}</label>
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

function taxIdFields(model: CheckoutPageModel, m: Messages): SafeHtml {
  return html`<fieldset class="business" data-testid="tax-id-collection">
    <legend>${m.businessSection}</legend>
    ${field("businessName", m.businessName, model, html`type="text" autocomplete="organization"`)}
    <div class="field">
      <label for="taxIdType">${m.taxIdType}</label>
      <select id="taxIdType" name="taxIdType">
        ${TAX_ID_TYPES.map((t) => html`<option value="${t.type}" ${t.type === model.values.taxIdType ? raw(" selected") : ""}>${t.label}</option>`)}
      </select>
    </div>
    ${field("taxId", m.taxId, model, html`type="text" autocomplete="off" placeholder="12345678" maxlength="40"`)}
  </fieldset>`;
}

function submitLabel(model: CheckoutPageModel, m: Messages): string {
  const { session } = model;
  if (session.mode === "setup") return m.submit.saveCard;
  if (session.mode === "subscription")
    return model.trial ? m.submit.startTrial : m.submit.subscribe;
  if (session.submit_type === "book") return m.submit.book;
  if (session.submit_type === "donate") return m.submit.donate;
  return m.submit.pay;
}

/** Spaces in the card number, "MM / YY" while typing, and no double submits. The form works without it. */
function enhance(m: Messages): SafeHtml {
  return raw(`(function(){
var f=document.querySelector("form[data-checkout]");if(!f)return;
var n=f.querySelector("#cardNumber"),e=f.querySelector("#cardExpiry"),b=f.querySelector("[data-testid=hosted-payment-submit-button]");
if(n)n.addEventListener("input",function(){var d=n.value.replace(/\\D/g,"").slice(0,19);n.value=d.replace(/(\\d{4})(?=\\d)/g,"$1 ");});
if(e)e.addEventListener("input",function(){var d=e.value.replace(/\\D/g,"").slice(0,4);e.value=d.length>2?d.slice(0,2)+" / "+d.slice(2):d;});
f.addEventListener("submit",function(){if(!b)return;setTimeout(function(){b.disabled=true;},0);b.setAttribute("aria-busy","true");var l=b.querySelector(".label");if(l)l.textContent=${JSON.stringify(m.processing).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)};});
})();`);
}

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

export function summary(model: CheckoutPageModel): SafeHtml {
  const { session, lineItems } = model;
  const locale = model.locale ?? "en";
  const m = messages(locale);
  const currency = session.currency ?? "usd";
  const total = formatAmount(session.amount_total ?? 0, currency, locale);
  return html`<section class="summary">
    <div class="summary-inner">
      ${topbar(model, m)}
      <p class="pay-label">${m.payMerchant(model.merchantName)}</p>
      <p class="total" data-testid="product-summary-total-amount">${total}</p>
      <ul class="items">
        ${lineItems.map(
          (item) =>
            html`<li class="item" data-testid="line-item">
              <span class="item-name">${item.description}</span>
              <span class="item-amount"
                >${formatAmount(item.amount_total, item.currency, locale)}</span
              >
              <span class="item-qty"
                >${m.qty(item.quantity ?? 1)}${(item.quantity ?? 1) > 1 ? html` &times; ${formatAmount(item.price?.unit_amount ?? 0, item.currency, locale)} ${m.each}` : ""}</span
              >
            </li>`,
        )}
      </ul>
      <div class="rows">
        ${
          session.amount_subtotal !== session.amount_total
            ? html`<div class="row">
                <span>${m.subtotal}</span
                ><span>${formatAmount(session.amount_subtotal ?? 0, currency, locale)}</span>
              </div>`
            : ""
        }
        <div class="row due">
          <span>${m.totalDue}</span><span data-testid="total-due">${total}</span>
        </div>
      </div>
    </div>
  </section>`;
}

export function renderCheckoutPage(model: CheckoutPageModel): string {
  const { session } = model;
  const locale = model.locale ?? "en";
  const m = messages(locale);
  const action = `/c/pay/${session.id}`;
  const needsCard = cardRequired(session);
  const addressRequired = session.billing_address_collection === "required";
  const left =
    session.mode === "subscription"
      ? subscriptionSummary(model)
      : session.mode === "setup"
        ? setupSummary(model)
        : summary(model);
  const postalRules = addressRequired
    ? ""
    : [...POSTAL_CODE_COUNTRIES]
        .map(
          (code) =>
            `form:has(#billingCountry option[value="${code}"]:checked) .postal{display:block}`,
        )
        .join("");
  const body = html`<style>
      ${raw(addressRequired ? "" : ".postal{display:none}")}${raw(postalRules)}
    </style>
    <main class="checkout">
      ${left}
      <section class="payment">
        <div class="payment-inner">
          <h1>
            ${session.mode === "payment" ? m.payWithCard : needsCard ? m.cardInformation : m.contactInformation}
          </h1>
          ${model.banner ? html`<div class="banner" role="alert" data-testid="payment-error">${localizeMessage(model.banner, locale)}</div>` : ""}
          <form method="post" action="${action}" data-checkout novalidate>
            ${field("email", m.email, model, html`type="email" autocomplete="email" placeholder="you@example.com" spellcheck="false" maxlength="512"`)}
            ${
              needsCard
                ? html`${field("cardNumber", m.cardNumber, model, html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"`)}
                    <div class="card-grid">
                      ${field("cardExpiry", m.expiration, model, html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY"`)}
                      ${field("cardCvc", m.cvc, model, html`type="text" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" maxlength="4"`)}
                    </div>`
                : ""
            }
            ${field("billingName", m.cardholderName, model, html`type="text" autocomplete="cc-name" placeholder="${m.fullNameOnCard}"`)}
            ${
              addressRequired
                ? html`<fieldset class="address" data-testid="billing-address">
                    <legend>${m.billingAddress}</legend>
                    ${field("billingAddressLine1", m.addressLine1, model, html`type="text" autocomplete="billing address-line1"`)}
                    ${field("billingAddressLine2", m.addressLine2, model, html`type="text" autocomplete="billing address-line2"`)}
                    ${field("billingLocality", m.city, model, html`type="text" autocomplete="billing address-level2"`)}
                  </fieldset>`
                : ""
            }
            ${countryField(model, m)}
            <div class="postal">
              ${field("billingPostalCode", m.postalCode, model, html`type="text" autocomplete="billing postal-code" placeholder="${m.postalCode}"`)}
            </div>
            ${session.tax_id_collection?.enabled ? taxIdFields(model, m) : ""}
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
              <span class="label">${submitLabel(model, m)}</span>
            </button>
          </form>
          <details class="testcards">
            <summary>${m.testCards}</summary>
            <p>${m.testCardsText}</p>
          </details>
          <p class="footer">${m.footer}</p>
        </div>
      </section>
    </main>`;
  return document(m.payMerchant(model.merchantName), CHECKOUT_STYLE, body, enhance(m), locale);
}
