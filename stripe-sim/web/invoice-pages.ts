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

function date(seconds: number | null): string {
  if (!seconds) return "";
  return new Date(seconds * 1000).toLocaleDateString("en-US", {
    month: "long",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  });
}

function period(line: Stripe.InvoiceLineItem): string {
  return line.period.start === line.period.end
    ? date(line.period.start)
    : `${date(line.period.start)} - ${date(line.period.end)}`;
}

const STATUS_LABEL: Record<string, string> = {
  draft: "Draft",
  open: "Due",
  paid: "Paid",
  void: "Void",
  uncollectible: "Uncollectible",
};

function payForm(
  invoice: Stripe.Invoice,
  values: CheckoutFormValues,
  errors: FieldErrors,
  banner: string | null,
): SafeHtml {
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
  return html`<h2>Pay this invoice</h2>
    ${banner ? html`<div class="banner" role="alert" data-testid="payment-error">${banner}</div>` : ""}
    <form method="post" action="/i/${invoice.id}" novalidate>
      ${input("cardNumber", "Card number", html`type="text" inputmode="numeric" autocomplete="cc-number"`)}
      <div class="card-grid">
        ${input("cardExpiry", "Expiration", html`type="text" placeholder="MM / YY"`)}${input("cardCvc", "CVC", html`type="text" maxlength="4"`)}
      </div>
      ${input("billingName", "Cardholder name", html`type="text" autocomplete="cc-name"`)}
      <button class="pay" type="submit" data-testid="hosted-payment-submit-button">
        <span class="label">Pay ${formatAmount(invoice.amount_remaining, invoice.currency)}</span>
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

function confirmForm(invoice: Stripe.Invoice): SafeHtml {
  return html`<h2>Confirm your payment</h2>
    <p class="muted" data-testid="confirmation-required">
      Your bank asks you to confirm this payment of
      ${formatAmount(invoice.amount_remaining, invoice.currency)} with the card on file.
    </p>
    <form method="post" action="/i/${invoice.id}">
      <input type="hidden" name="action" value="confirm" />
      <button class="pay" type="submit" data-testid="confirm-payment-button">
        <span class="label">Confirm payment</span>
      </button>
    </form>`;
}

export function renderInvoicePage(
  merchantName: string,
  invoice: Stripe.Invoice,
  form: { values: CheckoutFormValues; errors: FieldErrors; banner: string | null } | null,
  receiptUrl: string | null = null,
  needsConfirmation = false,
): string {
  const status = invoice.status ?? "draft";
  const body = html`<main class="doc">
    <p class="merchant">${merchantName} <span class="badge">Test mode</span></p>
    <h1>Invoice ${invoice.number ?? ""}</h1>
    <p>
      <span class="status ${status}" data-testid="invoice-status"
        >${STATUS_LABEL[status] ?? status}</span
      >
    </p>
    <p class="total" data-testid="invoice-amount">
      ${formatAmount(status === "paid" ? invoice.amount_paid : invoice.amount_due, invoice.currency)}
    </p>
    <p class="muted">
      ${status === "paid" ? `Paid ${date(invoice.status_transitions.paid_at)}` : `Issued ${date(invoice.status_transitions.finalized_at ?? invoice.created)}`}
      &middot; Billed to ${invoice.customer_email ?? invoice.customer_name ?? ""}
    </p>
    <table>
      <tbody>
        ${invoice.lines.data.map(
          (line) =>
            html`<tr data-testid="invoice-line">
              <td>${line.description ?? ""}<br /><span class="muted">${period(line)}</span></td>
              <td class="num">${formatAmount(line.amount, line.currency)}</td>
            </tr>`,
        )}
        <tr>
          <td><strong>Total</strong></td>
          <td class="num"><strong>${formatAmount(invoice.total, invoice.currency)}</strong></td>
        </tr>
        <tr>
          <td>Amount paid</td>
          <td class="num">${formatAmount(invoice.amount_paid, invoice.currency)}</td>
        </tr>
        <tr>
          <td>Amount remaining</td>
          <td class="num">${formatAmount(invoice.amount_remaining, invoice.currency)}</td>
        </tr>
      </tbody>
    </table>
    ${invoice.invoice_pdf ? html`<p><a class="link" href="${invoice.invoice_pdf}" data-testid="download-invoice-pdf">Download invoice (PDF)</a></p>` : ""}
    ${receiptUrl ? html`<p><a class="link" href="${receiptUrl}" data-testid="download-receipt">View receipt</a></p>` : ""}
    ${status === "open" && needsConfirmation ? confirmForm(invoice) : ""}
    ${form && status === "open" && invoice.amount_remaining > 0 ? payForm(invoice, form.values, form.errors, form.banner) : ""}
  </main>`;
  return document(`Invoice ${invoice.number ?? invoice.id}`, STYLE, body);
}

export function invoicePdf(merchantName: string, invoice: Stripe.Invoice): Buffer {
  const lines: PdfLine[] = [
    { text: "Invoice", size: 22, bold: true },
    { text: merchantName, size: 12, gap: 6 },
    { text: `Invoice number ${invoice.number ?? invoice.id}`, gap: 12 },
    { text: `Date of issue ${date(invoice.status_transitions.finalized_at ?? invoice.created)}` },
    { text: `Status ${STATUS_LABEL[invoice.status ?? "draft"] ?? ""}` },
    { text: `Bill to ${invoice.customer_name ?? ""} ${invoice.customer_email ?? ""}`.trim() },
    { text: "Description", bold: true, right: "Amount", gap: 18 },
    ...invoice.lines.data.flatMap((line): PdfLine[] => [
      { text: line.description ?? "", right: formatAmount(line.amount, line.currency) },
      { text: period(line), size: 9 },
    ]),
    { text: "Total", bold: true, right: formatAmount(invoice.total, invoice.currency), gap: 12 },
    { text: "Amount paid", right: formatAmount(invoice.amount_paid, invoice.currency) },
    {
      text: "Amount due",
      bold: true,
      right: formatAmount(invoice.amount_remaining, invoice.currency),
    },
    {
      text: "Made by stripe-sim, a local stand-in for Stripe. Not a real invoice.",
      size: 8,
      gap: 30,
    },
  ];
  return renderPdf(`Invoice ${invoice.number ?? invoice.id}`, lines);
}

export function renderReceiptPage(
  merchantName: string,
  charge: Stripe.Charge,
  invoice: Stripe.Invoice | undefined,
): string {
  const card = charge.payment_method_details?.card;
  const body = html`<main class="doc">
    <p class="merchant">${merchantName} <span class="badge">Test mode</span></p>
    <h1>Receipt from ${merchantName}</h1>
    <p class="total" data-testid="receipt-amount">
      ${formatAmount(charge.amount, charge.currency)}
    </p>
    <p>
      <span
        class="status ${charge.status === "succeeded" ? "paid" : "void"}"
        data-testid="receipt-status"
        >${charge.status === "succeeded" ? "Paid" : "Failed"}</span
      >
    </p>
    <table>
      <tbody>
        <tr>
          <td>Date paid</td>
          <td class="num">${date(charge.created)}</td>
        </tr>
        <tr>
          <td>Payment method</td>
          <td class="num">
            ${card ? `${(card.brand ?? "card").toUpperCase()} - ${card.last4 ?? ""}` : "card"}
          </td>
        </tr>
        ${
          invoice
            ? html`<tr>
                <td>Invoice</td>
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
              <td>${line.description ?? ""}<br /><span class="muted">${period(line)}</span></td>
              <td class="num">${formatAmount(line.amount, line.currency)}</td>
            </tr>`,
        )}
        <tr>
          <td><strong>Amount paid</strong></td>
          <td class="num">
            <strong>${formatAmount(charge.amount_captured, charge.currency)}</strong>
          </td>
        </tr>
      </tbody>
    </table>
  </main>`;
  return document(`Receipt from ${merchantName}`, STYLE, body);
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
        renderReceiptPage(ctx.merchantName, charge, invoiceForCharge(ctx, charge)),
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
  if (match[2]) {
    const pdf = invoicePdf(ctx.merchantName, invoice);
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
      renderInvoicePage(
        ctx.merchantName,
        invoice,
        { values: EMPTY_FORM, errors: {}, banner: null },
        receiptUrlOf(ctx, invoice),
        awaitingConfirmation(ctx, invoice) !== null,
      ),
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
    const message =
      confirmed.kind === "failed" ? confirmed.error.message : "Authentication failed.";
    sendHtml(
      res,
      402,
      renderInvoicePage(ctx.merchantName, confirmed.invoice, {
        values: EMPTY_FORM,
        errors: {},
        banner: message,
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
  );
  const card = valid?.card;
  if (!valid || !card || invoice.status !== "open") {
    sendHtml(
      res,
      400,
      renderInvoicePage(ctx.merchantName, invoice, {
        values,
        errors,
        banner: invoice.status !== "open" ? "This invoice can no longer be paid." : null,
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
  const message = result.kind === "failed" ? result.error.message : "Authentication failed.";
  sendHtml(
    res,
    402,
    renderInvoicePage(ctx.merchantName, result.invoice, { values, errors: {}, banner: message }),
  );
  return true;
}
