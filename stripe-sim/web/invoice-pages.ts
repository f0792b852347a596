import type { IncomingMessage, ServerResponse } from "node:http";
import { customerNow } from "../domain/customer-time.js";
import type Stripe from "stripe";
import type { SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { invoiceOfPaymentIntent, invoicePaymentIntent, payInvoice } from "../domain/invoices.js";
import { attachPaymentMethod, createCardPaymentMethod } from "../domain/payment-methods.js";
import { readBody } from "../http/body.js";
import { parseForm } from "../http/form.js";
import { redirect, sendHtml } from "../http/respond.js";
import { billingDetails } from "../objects/payment-method.js";
import { EMPTY_FORM, readCheckoutForm, validateCheckoutForm } from "./checkout-form.js";
import type { CheckoutFormValues, FieldErrors } from "./checkout-form.js";
import { CHECKOUT_STYLE } from "./checkout-style.js";
import { document, html, raw } from "./html.js";
import type { SafeHtml } from "./html.js";
import { renderPdf } from "./invoice-pdf.js";
import type { PdfLine } from "./invoice-pdf.js";
import { formatAmount } from "./money.js";
import { localizeMessage, longDate, messages, pageLocale } from "./locale.js";
import type { PageLocale } from "./locale.js";
import { renderNotFoundPage } from "./status-pages.js";

const STYLE = raw(`${CHECKOUT_STYLE.value}
.doc{max-width:640px;margin:0 auto;padding:40px 24px 80px}
.doc table{width:100%;border-collapse:collapse;margin:16px 0}
.doc td{padding:8px 0;border-bottom:1px solid #f0f2f5;vertical-align:top}
.doc td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.muted{color:#697386}
.status{display:inline-block;border-radius:10px;padding:2px 10px;font-size:12px;font-weight:600;background:#e3e8ee}
.status.paid{background:#d7f7c2;color:#05690d}.status.open{background:#fcedb9;color:#a82c00}.status.void{background:#ffe7f2;color:#b3063d}
`);

function date(seconds: number | null, locale: PageLocale): string {
  return seconds ? longDate(seconds, locale) : "";
}

function period(line: Stripe.InvoiceLineItem, locale: PageLocale): string {
  return line.period.start === line.period.end
    ? date(line.period.start, locale)
    : `${date(line.period.start, locale)} - ${date(line.period.end, locale)}`;
}

function payForm(
  invoice: Stripe.Invoice,
  values: CheckoutFormValues,
  errors: FieldErrors,
  banner: string | null,
  locale: PageLocale,
): SafeHtml {
  const m = messages(locale);
  const input = (name: keyof CheckoutFormValues, label: string, attributes: SafeHtml) =>
    html`<div class="field">
      <label for="${name}">${label}</label>
      <input
        id="${name}"
        name="${name}"
        value="${name === "cardCvc" ? "" : values[name]}"
        ${attributes}
      />${errors[name] ? html`<p class="field-error" role="alert">${errors[name]}</p>` : ""}
    </div>`;
  return html`<h2>${m.payThisInvoice}</h2>
    ${banner ? html`<div class="banner" role="alert" data-testid="payment-error">${localizeMessage(banner, locale)}</div>` : ""}
    <form method="post" action="/i/${invoice.id}" novalidate>
      ${input("cardNumber", m.cardNumber, html`type="text" inputmode="numeric" autocomplete="cc-number"`)}
      <div class="card-grid">
        ${input("cardExpiry", m.expiration, html`type="text" placeholder="MM / YY"`)}${input("cardCvc", m.cvc, html`type="text" maxlength="4"`)}
      </div>
      ${input("billingName", m.cardholderName, html`type="text" autocomplete="cc-name"`)}
      <button class="pay" type="submit" data-testid="hosted-payment-submit-button">
        <span class="label"
          >${m.payAmount(formatAmount(invoice.amount_remaining, invoice.currency, locale))}</span
        >
      </button>
    </form>`;
}

/** The card a renewal was attempted on, when that attempt waits for the member to authenticate. */
function awaitingConfirmation(ctx: SimContext, invoice: Stripe.Invoice): string | null {
  if (invoice.status !== "open") return null;
  const paymentIntent = invoicePaymentIntent(ctx, invoice);
  if (paymentIntent?.status !== "requires_action") return null;
  return idOf(paymentIntent.payment_method);
}

function confirmForm(invoice: Stripe.Invoice, locale: PageLocale): SafeHtml {
  const m = messages(locale);
  return html`<h2>${m.confirmTitle}</h2>
    <p class="muted" data-testid="confirmation-required">
      ${m.confirmText(formatAmount(invoice.amount_remaining, invoice.currency, locale))}
    </p>
    <form method="post" action="/i/${invoice.id}">
      <input type="hidden" name="action" value="confirm" />
      <button class="pay" type="submit" data-testid="confirm-payment-button">
        <span class="label">${m.confirmButton}</span>
      </button>
    </form>`;
}

function addressLines(address: Stripe.Address | null): string[] {
  if (!address) return [];
  const cityLine = [address.postal_code, address.city].filter(Boolean).join(" ");
  return [address.line1, address.line2, cityLine, address.country].filter(
    (part): part is string => typeof part === "string" && part !== "",
  );
}

export interface InvoicePageOptions {
  form: { values: CheckoutFormValues; errors: FieldErrors; banner: string | null } | null;
  receiptUrl?: string | null;
  needsConfirmation?: boolean;
  locale?: PageLocale;
}

export function renderInvoicePage(
  merchantName: string,
  invoice: Stripe.Invoice,
  options: InvoicePageOptions,
): string {
  const locale = options.locale ?? "en";
  const m = messages(locale);
  const { form } = options;
  const status = invoice.status ?? "draft";
  const money = (amount: number) => formatAmount(amount, invoice.currency, locale);
  const taxIds = invoice.customer_tax_ids ?? [];
  const body = html`<main class="doc">
    <p class="merchant">${merchantName} <span class="badge">${m.testMode}</span></p>
    <h1>${m.invoiceTitle(invoice.number ?? "")}</h1>
    <p>
      <span class="status ${status}" data-testid="invoice-status"
        >${m.invoiceStatus[status] ?? status}</span
      >
    </p>
    <p class="total" data-testid="invoice-amount">
      ${money(status === "paid" ? invoice.amount_paid : invoice.amount_due)}
    </p>
    <p class="muted">
      ${status === "paid" ? m.paidOn(date(invoice.status_transitions.paid_at, locale)) : m.issuedOn(date(invoice.status_transitions.finalized_at ?? invoice.created, locale))}
    </p>
    <div class="billed-to" data-testid="invoice-customer">
      <p class="muted">${m.billedTo}</p>
      <p>
        ${[invoice.customer_name, ...addressLines(invoice.customer_address), invoice.customer_email]
          .filter((part): part is string => typeof part === "string" && part !== "")
          .map((part) => html`${part}<br />`)}
        ${taxIds.map((t) => html`<span data-testid="invoice-tax-id">${m.taxId}: ${t.value ?? ""}</span><br />`)}
      </p>
    </div>
    ${invoice.description ? html`<p data-testid="invoice-description">${invoice.description}</p>` : ""}
    <table>
      <tbody>
        ${invoice.lines.data.map(
          (line) =>
            html`<tr data-testid="invoice-line">
              <td>
                ${line.description ?? ""}<br /><span class="muted">${period(line, locale)}</span>
              </td>
              <td class="num">${formatAmount(line.amount, line.currency, locale)}</td>
            </tr>`,
        )}
        <tr>
          <td><strong>${m.total}</strong></td>
          <td class="num"><strong>${money(invoice.total)}</strong></td>
        </tr>
        <tr>
          <td>${m.amountPaid}</td>
          <td class="num">${money(invoice.amount_paid)}</td>
        </tr>
        <tr>
          <td>${m.amountRemaining}</td>
          <td class="num">${money(invoice.amount_remaining)}</td>
        </tr>
      </tbody>
    </table>
    ${invoice.footer ? html`<p class="muted" data-testid="invoice-footer">${invoice.footer}</p>` : ""}
    ${invoice.invoice_pdf ? html`<p><a class="link" href="${invoice.invoice_pdf}" data-testid="download-invoice-pdf">${m.downloadInvoice}</a></p>` : ""}
    ${options.receiptUrl ? html`<p><a class="link" href="${options.receiptUrl}" data-testid="download-receipt">${m.viewReceipt}</a></p>` : ""}
    ${status === "open" && options.needsConfirmation ? confirmForm(invoice, locale) : ""}
    ${form && status === "open" && invoice.amount_remaining > 0 ? payForm(invoice, form.values, form.errors, form.banner, locale) : ""}
  </main>`;
  return document(m.invoiceTitle(invoice.number ?? invoice.id), STYLE, body, undefined, locale);
}

export function invoicePdf(
  merchantName: string,
  invoice: Stripe.Invoice,
  locale: PageLocale = "en",
): Buffer {
  const m = messages(locale);
  const money = (amount: number) => formatAmount(amount, invoice.currency, locale);
  const billTo = [
    invoice.customer_name,
    ...addressLines(invoice.customer_address),
    invoice.customer_email,
  ].filter((part): part is string => typeof part === "string" && part !== "");
  const lines: PdfLine[] = [
    { text: m.invoice, size: 22, bold: true },
    { text: merchantName, size: 12, gap: 6 },
    { text: `${m.invoiceNumber} ${invoice.number ?? invoice.id}`, gap: 12 },
    {
      text: `${m.dateOfIssue} ${date(invoice.status_transitions.finalized_at ?? invoice.created, locale)}`,
    },
    { text: `${m.status} ${m.invoiceStatus[invoice.status ?? "draft"] ?? ""}` },
    { text: `${m.billTo} ${billTo.join(", ")}`.trim() },
    ...(invoice.customer_tax_ids ?? []).map((t): PdfLine => ({
      text: `${m.taxId} ${t.value ?? ""}`,
    })),
    ...(invoice.description ? [{ text: invoice.description, gap: 6 }] : []),
    { text: m.description, bold: true, right: m.amount, gap: 18 },
    ...invoice.lines.data.flatMap((line): PdfLine[] => [
      { text: line.description ?? "", right: formatAmount(line.amount, line.currency, locale) },
      { text: period(line, locale), size: 9 },
    ]),
    { text: m.total, bold: true, right: money(invoice.total), gap: 12 },
    { text: m.amountPaid, right: money(invoice.amount_paid) },
    { text: m.amountDue, bold: true, right: money(invoice.amount_remaining) },
    ...(invoice.footer ? [{ text: invoice.footer, size: 9, gap: 18 }] : []),
    { text: m.notARealInvoice, size: 8, gap: 30 },
  ];
  return renderPdf(m.invoiceTitle(invoice.number ?? invoice.id), lines);
}

export function renderReceiptPage(
  merchantName: string,
  charge: Stripe.Charge,
  invoice: Stripe.Invoice | undefined,
  locale: PageLocale = "en",
): string {
  const m = messages(locale);
  const card = charge.payment_method_details?.card;
  const body = html`<main class="doc">
    <p class="merchant">${merchantName} <span class="badge">${m.testMode}</span></p>
    <h1>${m.receiptFrom(merchantName)}</h1>
    <p class="total" data-testid="receipt-amount">
      ${formatAmount(charge.amount, charge.currency, locale)}
    </p>
    <p>
      <span
        class="status ${charge.status === "succeeded" ? "paid" : "void"}"
        data-testid="receipt-status"
        >${charge.status === "succeeded" ? m.receiptPaid : m.receiptFailed}</span
      >
    </p>
    <table>
      <tbody>
        <tr>
          <td>${m.datePaid}</td>
          <td class="num">${date(charge.created, locale)}</td>
        </tr>
        <tr>
          <td>${m.paymentMethod}</td>
          <td class="num">
            ${card ? `${(card.brand ?? "card").toUpperCase()} - ${card.last4 ?? ""}` : "card"}
          </td>
        </tr>
        ${
          invoice
            ? html`<tr>
                <td>${m.invoice}</td>
                <td class="num">
                  <a class="link" href="${invoice.hosted_invoice_url ?? "#"}"
                    >${invoice.number ?? invoice.id}</a
                  >
                </td>
              </tr>`
            : ""
        }
        ${(invoice?.lines.data ?? []).map(
          (line) =>
            html`<tr>
              <td>
                ${line.description ?? ""}<br /><span class="muted">${period(line, locale)}</span>
              </td>
              <td class="num">${formatAmount(line.amount, line.currency, locale)}</td>
            </tr>`,
        )}
        <tr>
          <td><strong>${m.amountPaid}</strong></td>
          <td class="num">
            <strong>${formatAmount(charge.amount_captured, charge.currency, locale)}</strong>
          </td>
        </tr>
        ${
          charge.amount_refunded > 0
            ? html`<tr data-testid="receipt-refunded">
                <td>${m.refunded}</td>
                <td class="num">
                  -${formatAmount(charge.amount_refunded, charge.currency, locale)}
                </td>
              </tr>`
            : ""
        }
      </tbody>
    </table>
  </main>`;
  return document(m.receiptFrom(merchantName), STYLE, body, undefined, locale);
}

/** The language of a customer's documents: its `preferred_locales`, else the browser's. */
function customerLocale(
  ctx: SimContext,
  customerId: string | null,
  req: IncomingMessage,
): PageLocale {
  const customer = customerId ? ctx.store.get("customers", customerId) : undefined;
  return pageLocale(customer && !customer.deleted ? (customer.preferred_locales ?? []) : [], req);
}

function receiptUrlOf(ctx: SimContext, invoice: Stripe.Invoice): string | null {
  if (invoice.status !== "paid") return null;
  const paymentIntent = invoicePaymentIntent(ctx, invoice);
  const charge = paymentIntent?.latest_charge
    ? ctx.store.get("charges", idOf(paymentIntent.latest_charge) ?? "")
    : undefined;
  return charge?.receipt_url ?? null;
}

function invoiceForCharge(ctx: SimContext, charge: Stripe.Charge): Stripe.Invoice | undefined {
  const paymentIntent = idOf(charge.payment_intent);
  return paymentIntent ? invoiceOfPaymentIntent(ctx, paymentIntent) : undefined;
}

/** /i/:id (hosted invoice page, payable when open), /i/:id/pdf and /receipts/:charge. */
export async function handleInvoicePages(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const method = req.method ?? "GET";
  const receipt = /^\/receipts\/(ch_[A-Za-z0-9]+)$/.exec(path);
  if (receipt && method === "GET") {
    const charge = ctx.store.get("charges", receipt[1] ?? "");
    if (!charge) sendHtml(res, 404, renderNotFoundPage());
    else
      sendHtml(
        res,
        200,
        renderReceiptPage(
          ctx.merchantName,
          charge,
          invoiceForCharge(ctx, charge),
          customerLocale(ctx, idOf(charge.customer), req),
        ),
      );
    return true;
  }
  const match = /^\/i\/(in_[A-Za-z0-9]+)(\/pdf)?$/.exec(path);
  if (!match || (method !== "GET" && method !== "POST")) return false;
  const invoice = ctx.store.get("invoices", match[1] ?? "");
  if (!invoice || invoice.status === "draft") {
    sendHtml(res, 404, renderNotFoundPage());
    return true;
  }
  const locale = customerLocale(ctx, idOf(invoice.customer), req);
  const m = messages(locale);
  if (match[2]) {
    const pdf = invoicePdf(ctx.merchantName, invoice, locale);
    res.writeHead(200, {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.length),
      "Content-Disposition": `inline; filename="Invoice-${invoice.number ?? invoice.id}.pdf"`,
    });
    res.end(pdf);
    return true;
  }
  if (method === "GET") {
    sendHtml(
      res,
      200,
      renderInvoicePage(ctx.merchantName, invoice, {
        form: { values: EMPTY_FORM, errors: {}, banner: null },
        receiptUrl: receiptUrlOf(ctx, invoice),
        needsConfirmation: awaitingConfirmation(ctx, invoice) !== null,
        locale,
      }),
    );
    return true;
  }
  const fields = parseForm(await readBody(req).catch(() => ""));
  const waiting = awaitingConfirmation(ctx, invoice);
  if (fields.action === "confirm" && waiting) {
    // The member confirms the payment the renewal attempted, with the card it was attempted on.
    const confirmed = ctx.db.transaction(() =>
      payInvoice(ctx, ctx.store.get("invoices", invoice.id) ?? invoice, waiting, null, {
        offSession: false,
        scheduleRetry: false,
        authenticated: true,
      }),
    )();
    ctx.wakeDeliveries();
    if (confirmed.kind === "paid") {
      redirect(res, `/i/${invoice.id}`);
      return true;
    }
    const message = confirmed.kind === "failed" ? confirmed.error.message : m.authenticationFailed;
    sendHtml(
      res,
      402,
      renderInvoicePage(ctx.merchantName, confirmed.invoice, {
        form: { values: EMPTY_FORM, errors: {}, banner: message },
        locale,
      }),
    );
    return true;
  }
  const values = readCheckoutForm({
    ...fields,
    email: invoice.customer_email ?? "payer@example.com",
  });
  const { errors, valid } = validateCheckoutForm(
    values,
    new Date(customerNow(ctx, idOf(invoice.customer)) * 1000),
    { cardRequired: true, messages: m },
  );
  const card = valid?.card;
  if (!valid || !card || invoice.status !== "open") {
    sendHtml(
      res,
      400,
      renderInvoicePage(ctx.merchantName, invoice, {
        form: { values, errors, banner: invoice.status !== "open" ? m.noLongerPayable : null },
        locale,
      }),
    );
    return true;
  }
  // The payer is here, so a card asking for 3-D Secure counts as authenticated (no challenge page for invoices).
  const result = ctx.db.transaction(() => {
    const current = ctx.store.get("invoices", invoice.id) ?? invoice;
    const created = createCardPaymentMethod(
      ctx,
      card,
      billingDetails({ email: valid.email, name: valid.name }),
    );
    const customerId = idOf(current.customer);
    const paymentMethod = customerId
      ? attachPaymentMethod(ctx, created, customerId, null)
      : created;
    return payInvoice(ctx, current, paymentMethod.id, null, {
      offSession: false,
      scheduleRetry: false,
      authenticated: true,
    });
  })();
  ctx.wakeDeliveries();
  if (result.kind === "paid") {
    redirect(res, `/i/${invoice.id}`);
    return true;
  }
  const message = result.kind === "failed" ? result.error.message : m.authenticationFailed;
  sendHtml(
    res,
    402,
    renderInvoicePage(ctx.merchantName, result.invoice, {
      form: { values, errors: {}, banner: message },
      locale,
    }),
  );
  return true;
}
