import type Stripe from "stripe";
import { CHECKOUT_STYLE } from "./checkout-style.js";
import { perInterval } from "./checkout-page.js";
import type { FieldErrors, CheckoutFormValues } from "./checkout-form.js";
import { document, html, raw } from "./html.js";
import type { SafeHtml } from "./html.js";
import { formatAmount } from "./money.js";
import { longDate } from "./locale.js";
import type { PageLocale } from "./locale.js";
import { portalMessages } from "./portal-messages.js";
import type { PortalMessages } from "./portal-messages.js";

const PORTAL_STYLE = raw(`${CHECKOUT_STYLE.value}
.portal{max-width:720px;margin:0 auto;padding:40px 24px 80px}
.portal header{display:flex;align-items:center;gap:12px;margin-bottom:32px}
.portal h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#697386;margin:32px 0 12px;font-weight:600}
.box{border:1px solid #e3e8ee;border-radius:8px;padding:16px 18px;margin-bottom:12px}
.box .name{font-weight:600;font-size:16px}
.box .price{font-size:20px;font-weight:600;margin:4px 0}
.muted{color:#697386}
.row-actions{display:flex;gap:10px;flex-wrap:wrap;margin-top:12px}
.button{display:inline-block;border:1px solid #d5dbe1;border-radius:6px;background:#fff;color:#1a1f36;font:inherit;font-weight:500;padding:7px 12px;text-decoration:none;cursor:pointer}
.button.primary{background:#0074d4;border-color:#0074d4;color:#fff}
.button.danger{color:#df1b41}
table.invoices{width:100%;border-collapse:collapse}
table.invoices td{padding:8px 0;border-bottom:1px solid #f0f2f5}
.reasons label{display:flex;gap:8px;align-items:center;font-size:15px;margin:8px 0}
.reasons input{width:auto}
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;background:#e3e8ee;color:#3c4257}
`);

export interface PortalView {
  merchantName: string;
  base: string;
  session: Stripe.BillingPortal.Session;
  configuration: Stripe.BillingPortal.Configuration;
  customer: Stripe.Customer;
  /** The portal session's `locale` (or the browser's for `auto`). */
  locale?: PageLocale;
}

function t(view: PortalView): PortalMessages {
  return portalMessages(view.locale ?? "en");
}

function date(seconds: number, locale: PageLocale = "en"): string {
  return longDate(seconds, locale);
}

function page(view: PortalView, title: string, content: SafeHtml): string {
  const back = view.session.return_url
    ? html`<a class="back" href="${view.session.return_url}" data-testid="return-to-business-link"
        ><span aria-hidden="true">&larr;</span> ${t(view).returnTo(view.merchantName)}</a
      >`
    : "";
  return document(
    title,
    PORTAL_STYLE,
    html`<main class="portal" data-testid="page-container-main">
      <header>
        ${back}<span class="merchant">${view.merchantName}</span
        ><span class="badge">${t(view).testMode}</span>
      </header>
      ${content}
      <p class="footer">${t(view).footer}</p>
    </main>`,
    undefined,
    view.locale ?? "en",
  );
}

function subscriptionPrice(subscription: Stripe.Subscription, locale: PageLocale = "en"): string {
  const item = subscription.items.data[0];
  if (!item) return "";
  const amount = (item.price.unit_amount ?? 0) * (item.quantity ?? 1);
  return `${formatAmount(amount, item.price.currency, locale)} ${item.price.recurring ? perInterval(item.price.recurring, locale) : ""}`;
}

/** One string, so the formatter cannot split "MAD 300.00 per year" across lines. */
function planPrice(price: Stripe.Price, locale: PageLocale = "en"): string {
  const amount = formatAmount(price.unit_amount ?? 0, price.currency, locale);
  return price.recurring ? `${amount} ${perInterval(price.recurring, locale)}` : amount;
}

export function subscriptionState(
  subscription: Stripe.Subscription,
  locale: PageLocale = "en",
): string {
  const m = portalMessages(locale);
  const end = subscription.items.data[0]?.current_period_end ?? 0;
  if (subscription.cancel_at) return m.cancels(date(subscription.cancel_at, locale));
  if (subscription.status === "trialing" && subscription.trial_end)
    return m.trialEnds(date(subscription.trial_end, locale));
  if (subscription.status === "past_due") return m.pastDue;
  if (subscription.status === "unpaid") return m.unpaid;
  return m.renews(date(end, locale));
}

export function renderPortalHome(
  view: PortalView,
  subscriptions: Array<{ subscription: Stripe.Subscription; productName: string }>,
  paymentMethod: Stripe.PaymentMethod | null,
  invoices: Stripe.Invoice[],
  notice: string | null,
): string {
  const f = view.configuration.features;
  const canUpdate =
    f.subscription_update.enabled && (f.subscription_update.products ?? []).length > 0;
  const m = t(view);
  const locale = view.locale ?? "en";
  const current = html`<section>
    <h2>${m.currentSubscription}</h2>
    ${
      subscriptions.length === 0
        ? html`<p class="muted">${m.noSubscription}</p>`
        : subscriptions.map(
            ({ subscription, productName }) =>
              html`<div
                class="box"
                data-testid="subscription"
                data-subscription="${subscription.id}"
              >
                <div class="name">${productName}</div>
                <div class="price">${subscriptionPrice(subscription, locale)}</div>
                <div class="muted" data-testid="subscription-state">
                  ${subscriptionState(subscription, locale)}
                </div>
                <div class="row-actions">
                  ${canUpdate && !subscription.cancel_at ? html`<a class="button" href="${view.base}/subscriptions/${subscription.id}/update" data-test="update-subscription">${m.updatePlan}</a>` : ""}
                  ${
                    subscription.cancel_at
                      ? html`<form
                          method="post"
                          action="${view.base}/subscriptions/${subscription.id}/renew"
                        >
                          <button
                            class="button primary"
                            type="submit"
                            data-test="renew-subscription"
                          >
                            ${m.renewSubscription}
                          </button>
                        </form>`
                      : f.subscription_cancel.enabled
                        ? html`<a
                            class="button danger"
                            href="${view.base}/subscriptions/${subscription.id}/cancel"
                            data-test="cancel-subscription"
                            >${m.cancelSubscription}</a
                          >`
                        : ""
                  }
                </div>
              </div>`,
          )
    }
  </section>`;
  const card = paymentMethod?.card;
  const payment = html`<section>
    <h2>${m.paymentMethod}</h2>
    <div class="box" data-testid="payment-method">
      ${
        card
          ? html`<span>${card.brand.toUpperCase()} &bull;&bull;&bull;&bull; ${card.last4}</span>
              <span class="muted"
                >${m.expires(`${String(card.exp_month).padStart(2, "0")}/${card.exp_year}`)}</span
              >`
          : html`<span class="muted">${m.noPaymentMethod}</span>`
      }
      ${f.payment_method_update.enabled ? html`<div class="row-actions"><a class="button" href="${view.base}/payment-methods/new" data-test="add-payment-method">${m.addPaymentMethod}</a></div>` : ""}
    </div>
  </section>`;
  const billing = html`<section>
    <h2>${m.billingInformation}</h2>
    <div class="box">
      <div>${view.customer.name ?? ""}</div>
      <div class="muted">${view.customer.email ?? ""}</div>
    </div>
  </section>`;
  const history = f.invoice_history.enabled
    ? html`<section>
        <h2>${m.invoiceHistory}</h2>
        ${
          invoices.length === 0
            ? html`<p class="muted">${m.noInvoices}</p>`
            : html`<table class="invoices">
                <tbody>
                  ${invoices.map(
                    (invoice) =>
                      html`<tr data-testid="invoice-row">
                        <td>
                          <a href="${invoice.hosted_invoice_url ?? "#"}" data-testid="invoice-link"
                            >${date(invoice.created, locale)}</a
                          >
                        </td>
                        <td>${formatAmount(invoice.total, invoice.currency, locale)}</td>
                        <td>
                          <span class="pill"
                            >${invoice.status === "open" ? m.invoiceOpen : invoice.status === "paid" ? m.invoicePaid : (invoice.status ?? "")}</span
                          >
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`
    : "";
  return page(
    view,
    m.title(view.merchantName),
    html`${view.configuration.business_profile.headline ? html`<p class="muted">${view.configuration.business_profile.headline}</p>` : ""}
    ${notice ? html`<div class="banner" role="status" data-testid="portal-notice">${notice}</div>` : ""}
    ${current}${payment}${billing}${history}`,
  );
}

export function renderCancelPage(
  view: PortalView,
  subscription: Stripe.Subscription,
  productName: string,
): string {
  const immediately = view.configuration.features.subscription_cancel.mode === "immediately";
  const end = subscription.items.data[0]?.current_period_end ?? 0;
  const m = t(view);
  const locale = view.locale ?? "en";
  return page(
    view,
    m.cancelSubscription,
    html`<h1>${m.cancelYourSubscription}</h1>
      <div class="box">
        <div class="name">${productName}</div>
        <div class="price">${subscriptionPrice(subscription, locale)}</div>
      </div>
      <p>
        ${
          immediately
            ? m.canceledImmediately
            : html`${m.canceledAtEnd} <strong>${date(end, locale)}</strong>.`
        }
        ${m.changeYourMind}
      </p>
      <form method="post" action="${view.base}/subscriptions/${subscription.id}/cancel">
        <div class="row-actions">
          <button class="button primary" type="submit" data-testid="confirm">
            ${m.cancelSubscription}
          </button>
          <a class="button" href="${view.base}" data-testid="go-back">${m.goBack}</a>
        </div>
      </form>`,
  );
}

export function renderReasonPage(
  view: PortalView,
  subscription: Stripe.Subscription,
  options: string[],
): string {
  const m = t(view);
  return page(
    view,
    m.cancelSubscription,
    html`<h1>${m.whyCanceling}</h1>
      <form
        method="post"
        action="${view.base}/subscriptions/${subscription.id}/reason"
        class="reasons"
      >
        <fieldset style="border:0;padding:0;margin:0">
          <legend class="muted">${m.feedbackHelps}</legend>
          ${options.map(
            (reason) =>
              html`<label
                ><input
                  type="radio"
                  name="reason"
                  value="${reason}"
                  data-test="cancel-reason-opt-${reason}"
                />
                ${m.reasons[reason] ?? reason}</label
              >`,
          )}
        </fieldset>
        <div class="row-actions">
          <button class="button primary" type="submit" data-testid="cancellation_reason_submit">
            ${m.submit}
          </button>
          <button
            class="button"
            type="submit"
            name="skip"
            value="true"
            data-testid="cancellation_reason_cancel"
          >
            ${m.skip}
          </button>
        </div>
      </form>`,
  );
}

export function renderUpdatePage(
  view: PortalView,
  subscription: Stripe.Subscription,
  choices: Array<{ price: Stripe.Price; productName: string }>,
): string {
  const currentPrice = subscription.items.data[0]?.price.id;
  const m = t(view);
  return page(
    view,
    m.updatePlan,
    html`<h1>${m.updatePlan}</h1>
      ${choices.map(
        ({ price, productName }) =>
          html`<div class="box" data-testid="plan-option" data-price="${price.id}">
            <div class="name">${productName}</div>
            <div class="price">${planPrice(price, view.locale ?? "en")}</div>
            ${
              price.id === currentPrice
                ? html`<span class="pill">${m.currentPlan}</span>`
                : html`<form
                    method="post"
                    action="${view.base}/subscriptions/${subscription.id}/update"
                  >
                    <input type="hidden" name="price" value="${price.id}" />
                    <button class="button primary" type="submit" data-testid="select-plan">
                      ${m.select}
                    </button>
                  </form>`
            }
          </div>`,
      )}
      <p><a class="button" href="${view.base}">${m.goBack}</a></p>`,
  );
}

export function renderAddCardPage(
  view: PortalView,
  values: CheckoutFormValues,
  errors: FieldErrors,
  banner: string | null,
): string {
  const input = (name: keyof CheckoutFormValues, label: string, attributes: SafeHtml) => {
    const error = errors[name];
    return html`<div class="field">
      <label for="${name}">${label}</label>
      <input
        id="${name}"
        name="${name}"
        value="${name === "cardCvc" ? "" : values[name]}"
        ${attributes}${error ? html` aria-invalid="true"` : ""}
      />
      ${error ? html`<p class="field-error" role="alert">${error}</p>` : ""}
    </div>`;
  };
  const m = t(view);
  return page(
    view,
    m.addPaymentMethod,
    html`<h1>${m.addPaymentMethod}</h1>
      ${banner ? html`<div class="banner" role="alert">${banner}</div>` : ""}
      <form method="post" action="${view.base}/payment-methods/new" novalidate>
        ${input("cardNumber", m.cardNumber, html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"`)}
        <div class="card-grid">
          ${input("cardExpiry", m.expiration, html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM / YY"`)}
          ${input("cardCvc", m.cvc, html`type="text" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC" maxlength="4"`)}
        </div>
        ${input("billingName", m.nameOnCard, html`type="text" autocomplete="cc-name"`)}
        <div class="row-actions">
          <button class="button primary" type="submit" data-testid="confirm">${m.add}</button>
          <a class="button" href="${view.base}">${m.goBack}</a>
        </div>
      </form>`,
  );
}

export function renderConfirmation(view: PortalView, message: string): string {
  const m = t(view);
  return page(
    view,
    m.done,
    html`<h1>${m.done}</h1>
      <p data-testid="portal-confirmation">${message}</p>
      <p><a class="button" href="${view.base}">${m.backToPortal}</a></p>`,
  );
}

export function renderPortalNotFound(): string {
  return document(
    "Page not found",
    PORTAL_STYLE,
    html`<main class="center">
      <div class="card">
        <h1>This link has expired</h1>
        <p>Return to the business and open the customer portal again.</p>
      </div>
    </main>`,
  );
}
