import type Stripe from "stripe";
import type { SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { blockingDispute } from "../domain/disputes.js";
import { FORWARD_ENDPOINT_ID } from "../webhooks/targets.js";
import type { SimControls } from "./controls.js";
import { document, html, raw } from "./html.js";
import type { SafeHtml } from "./html.js";
import { formatAmount } from "./money.js";

const STYLE = raw(`
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Ubuntu,Arial,sans-serif;color:#1a1f36;background:#f6f8fa;font-size:14px}
header{background:#fff;border-bottom:1px solid #e3e8ee;padding:14px 28px;display:flex;gap:18px;align-items:center;position:sticky;top:0;z-index:1}
header strong{font-size:16px}
header nav a{color:#3c4257;text-decoration:none;margin-right:14px;font-weight:500}
header nav a:hover{color:#635bff}
.badge{font-size:11px;font-weight:700;text-transform:uppercase;color:#b3063d;background:#ffde92;border-radius:4px;padding:2px 6px}
main{max-width:1200px;margin:0 auto;padding:24px 28px 64px}
section{background:#fff;border:1px solid #e3e8ee;border-radius:8px;margin-bottom:24px;overflow:hidden}
h2{font-size:16px;margin:0;padding:14px 18px;border-bottom:1px solid #e3e8ee}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:8px 18px;border-bottom:1px solid #f0f2f5;vertical-align:top}
th{color:#697386;font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;background:#fafbfc}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;color:#3c4257}
.pill{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;background:#e3e8ee;color:#3c4257}
.pill.ok{background:#d7f7c2;color:#05690d}.pill.bad{background:#ffe7f2;color:#b3063d}.pill.wait{background:#fcedb9;color:#a82c00}
.empty{color:#697386;padding:14px 18px}
.attempts{margin:4px 0 0;padding:0;list-style:none;color:#697386;font-size:12px}
.knobs{display:flex;flex-wrap:wrap;gap:14px;padding:14px 18px;align-items:flex-end}
.knobs label{display:flex;flex-direction:column;font-size:12px;color:#697386;gap:4px}
.knobs input[type=number]{width:110px;padding:6px 8px;border:1px solid #d5dbe1;border-radius:6px;font:inherit}
button{font:inherit;border:1px solid #d5dbe1;background:#fff;border-radius:6px;padding:5px 10px;cursor:pointer;font-weight:500}
button:hover{background:#f6f8fa}
.primary{background:#635bff;border-color:#635bff;color:#fff}.primary:hover{background:#5851ea}
.meta{color:#697386;padding:10px 18px;font-size:13px}
`);

function when(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

function pill(status: string | null): SafeHtml {
  const tone = [
    "succeeded",
    "complete",
    "paid",
    "enabled",
    "active",
    "ready",
    "trialing",
    "won",
    "warning_closed",
  ].includes(status ?? "")
    ? "ok"
    : [
          "failed",
          "canceled",
          "expired",
          "requires_payment_method",
          "disabled",
          "past_due",
          "unpaid",
          "void",
          "incomplete_expired",
          "lost",
          "needs_response",
        ].includes(status ?? "")
      ? "bad"
      : "wait";
  return html`<span class="pill ${tone}">${status ?? "-"}</span>`;
}

function table(headers: string[], rows: SafeHtml[], empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table>
    <thead>
      <tr>
        ${headers.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function refundCell(ctx: SimContext, pi: Stripe.PaymentIntent): SafeHtml | string {
  const chargeId = idOf(pi.latest_charge);
  const charge = chargeId ? ctx.store.get("charges", chargeId) : undefined;
  if (!charge || charge.status !== "succeeded") return "";
  const refunded =
    charge.amount_refunded > 0
      ? html`<div class="attempts" data-testid="refunded-amount">
          Refunded ${formatAmount(charge.amount_refunded, charge.currency)}
        </div>`
      : "";
  const disputed = charge.disputed ? html`<div class="attempts">Disputed</div>` : "";
  if (charge.refunded || blockingDispute(ctx, charge.id)) return html`${refunded}${disputed}`;
  return html`${refunded}${disputed}
    <form method="post" action="/_sim/charges/${charge.id}/refund">
      <button type="submit" data-testid="refund-${charge.id}">Refund</button>
    </form>`;
}

function paymentsSection(ctx: SimContext): SafeHtml {
  const intents = ctx.store.list("payment_intents", { limit: 25 }).data;
  return html`<section id="payments">
    <h2>Payments</h2>
    ${table(
      ["Amount", "Status", "Description", "Customer", "Created", "ID", "Refund"],
      intents.map(
        (pi) =>
          html`<tr>
            <td class="num">${formatAmount(pi.amount, pi.currency)}</td>
            <td>
              ${pill(pi.status)}${
                pi.last_payment_error?.message
                  ? html`<div class="attempts">${pi.last_payment_error.message}</div>`
                  : ""
              }
            </td>
            <td>${pi.description ?? ""}</td>
            <td><code>${idOf(pi.customer) ?? ""}</code></td>
            <td>${when(pi.created)}</td>
            <td><code>${pi.id}</code></td>
            <td>${refundCell(ctx, pi)}</td>
          </tr>`,
      ),
      "No payments yet.",
    )}
  </section>`;
}

function disputesSection(ctx: SimContext): SafeHtml {
  const disputes = ctx.store.list("disputes", { limit: 25 }).data;
  return html`<section id="disputes">
    <h2>Disputes</h2>
    ${table(
      ["Amount", "Status", "Reason", "Charge", "Created", "ID"],
      disputes.map(
        (dispute) =>
          html`<tr>
            <td class="num">${formatAmount(dispute.amount, dispute.currency)}</td>
            <td>${pill(dispute.status)}</td>
            <td>${dispute.reason}</td>
            <td><code>${idOf(dispute.charge) ?? ""}</code></td>
            <td>${when(dispute.created)}</td>
            <td><code>${dispute.id}</code></td>
          </tr>`,
      ),
      "No disputes.",
    )}
  </section>`;
}

function sessionsSection(ctx: SimContext): SafeHtml {
  const sessions = ctx.store.list("checkout_sessions", { limit: 25 }).data;
  return html`<section id="sessions">
    <h2>Checkout sessions</h2>
    ${table(
      ["Amount", "Status", "Payment", "Customer", "Created", "ID"],
      sessions.map(
        (s: Stripe.Checkout.Session) =>
          html`<tr>
            <td class="num">${formatAmount(s.amount_total ?? 0, s.currency ?? "usd")}</td>
            <td>${pill(s.status)}</td>
            <td>${pill(s.payment_status)}</td>
            <td>${s.customer_details?.email ?? s.customer_email ?? idOf(s.customer) ?? ""}</td>
            <td>${when(s.created)}</td>
            <td>
              ${
                s.status === "open" && s.url
                  ? html`<a href="${s.url}"><code>${s.id.slice(0, 24)}...</code></a>`
                  : html`<code>${s.id.slice(0, 24)}...</code>`
              }
            </td>
          </tr>`,
      ),
      "No checkout sessions yet.",
    )}
  </section>`;
}

function customersSection(ctx: SimContext): SafeHtml {
  const customers = ctx.store
    .list("customers", { limit: 25, filters: [{ path: "$.deleted", value: null }] })
    .data.filter((c): c is Stripe.Customer => !c.deleted);
  return html`<section id="customers">
    <h2>Customers</h2>
    ${table(
      ["Email", "Name", "Created", "ID"],
      customers.map(
        (c) =>
          html`<tr>
            <td>${c.email ?? ""}</td>
            <td>${c.name ?? ""}</td>
            <td>${when(c.created)}</td>
            <td><code>${c.id}</code></td>
          </tr>`,
      ),
      "No customers yet.",
    )}
  </section>`;
}

function subscriptionsSection(ctx: SimContext): SafeHtml {
  const subscriptions = ctx.store.list("subscriptions", { limit: 25 }).data;
  return html`<section id="subscriptions">
    <h2>Subscriptions</h2>
    ${table(
      ["Plan", "Status", "Period", "Customer", "Clock", "ID"],
      subscriptions.map((sub) => {
        const item = sub.items.data[0];
        const plan = item
          ? `${formatAmount((item.price.unit_amount ?? 0) * (item.quantity ?? 1), item.price.currency)} / ${item.price.recurring?.interval ?? ""}`
          : "";
        return html`<tr>
          <td class="num">${plan}</td>
          <td>
            ${pill(sub.status)}${
              sub.cancel_at ? html`<div class="attempts">cancels ${when(sub.cancel_at)}</div>` : ""
            }${sub.status === "trialing" && sub.trial_end ? html`<div class="attempts">trial ends ${when(sub.trial_end)}</div>` : ""}
          </td>
          <td>
            ${
              item
                ? html`${when(item.current_period_start)}<br />${when(item.current_period_end)}`
                : ""
            }
          </td>
          <td><code>${idOf(sub.customer) ?? ""}</code></td>
          <td><code>${idOf(sub.test_clock) ?? ""}</code></td>
          <td><code>${sub.id}</code></td>
        </tr>`;
      }),
      "No subscriptions yet.",
    )}
  </section>`;
}

function invoicesSection(ctx: SimContext): SafeHtml {
  const invoices = ctx.store.list("invoices", { limit: 25 }).data;
  return html`<section id="invoices">
    <h2>Invoices</h2>
    ${table(
      ["Amount", "Status", "Reason", "Attempts", "Number", "Customer", "Created"],
      invoices.map(
        (inv) =>
          html`<tr>
            <td class="num">${formatAmount(inv.total, inv.currency)}</td>
            <td>
              ${pill(inv.status)}${
                inv.next_payment_attempt
                  ? html`<div class="attempts">next attempt ${when(inv.next_payment_attempt)}</div>`
                  : ""
              }
            </td>
            <td>${inv.billing_reason ?? ""}</td>
            <td class="num">${inv.attempt_count}</td>
            <td>
              ${
                inv.hosted_invoice_url
                  ? html`<a href="${inv.hosted_invoice_url}">${inv.number ?? inv.id}</a> &middot;
                      <a href="${inv.invoice_pdf ?? "#"}">PDF</a>`
                  : html`<code>${inv.id}</code>`
              }
            </td>
            <td><code>${idOf(inv.customer) ?? ""}</code></td>
            <td>${when(inv.created)}</td>
          </tr>`,
      ),
      "No invoices yet.",
    )}
  </section>`;
}

function testClocksSection(ctx: SimContext): SafeHtml {
  const clocks = ctx.store
    .list("test_clocks", { limit: 25, filters: [{ path: "$.deleted", value: null }] })
    .data.filter((c): c is Stripe.TestHelpers.TestClock => !("deleted" in c && c.deleted));
  return html`<section id="test-clocks">
    <h2>Test clocks</h2>
    ${table(
      ["Name", "Frozen time", "Status", "Advance", "ID"],
      clocks.map(
        (clock) =>
          html`<tr>
            <td>${clock.name ?? ""}</td>
            <td>${when(clock.frozen_time)}</td>
            <td>${pill(clock.status)}</td>
            <td>
              <form
                class="knobs"
                style="padding:0"
                method="post"
                action="/_sim/test-clocks/${clock.id}/advance"
              >
                <label>Days<input type="number" name="days" min="0" step="any" value="1" /></label>
                <label
                  >Hours<input type="number" name="hours" min="0" step="any" value="0"
                /></label>
                <button type="submit" data-testid="advance-clock">Advance</button>
              </form>
            </td>
            <td><code>${clock.id}</code></td>
          </tr>`,
      ),
      "No test clocks yet. Create one with POST /v1/test_helpers/test_clocks.",
    )}
  </section>`;
}

function eventsSection(ctx: SimContext, controls: SimControls): SafeHtml {
  const events = ctx.store.list("events", { limit: 50 }).data;
  return html`<section id="events">
    <h2>Events and webhook deliveries</h2>
    ${table(
      ["Event", "Created", "Deliveries", ""],
      events.map((event) => {
        const deliveries = controls.queue.forEvent(event.id);
        const attempts = controls.queue.attemptsFor(event.id);
        return html`<tr id="${event.id}">
          <td><strong>${event.type}</strong><br /><code>${event.id}</code></td>
          <td>${when(event.created)}</td>
          <td>
            ${
              deliveries.length === 0
                ? html`<span class="pill">no endpoint</span>`
                : deliveries.map((d) => html`${pill(d.status)} `)
            }
            <ul class="attempts">
              ${attempts.map(
                (a) =>
                  html`<li>
                    #${a.attempt}
                    ${a.endpoint_id === FORWARD_ENDPOINT_ID ? "forward" : a.endpoint_id} &rarr;
                    ${a.status_code ?? "no response"}${a.error ? html` (${a.error})` : ""},
                    ${a.duration_ms} ms, ${new Date(a.at_ms).toISOString().slice(11, 23)}
                  </li>`,
              )}
            </ul>
          </td>
          <td>
            <form method="post" action="/_sim/events/${event.id}/resend">
              <button type="submit">Resend</button>
            </form>
          </td>
        </tr>`;
      }),
      "No events yet.",
    )}
  </section>`;
}

function webhooksSection(ctx: SimContext, controls: SimControls): SafeHtml {
  const knobs = controls.getKnobs();
  const endpoints = ctx.store.all("webhook_endpoints");
  const number = (name: string, label: string, value: number) =>
    html`<label>${label}<input type="number" name="${name}" value="${value}" min="0" /></label>`;
  return html`<section id="webhooks">
    <h2>Webhooks</h2>
    <p class="meta">
      Forwarding to:
      ${controls.forwardUrl ? html`<code>${controls.forwardUrl}</code>` : "none"}${endpoints.map(
        (e) =>
          html` &middot; <code>${e.url}</code> ${pill(e.status)} (${e.enabled_events.join(", ")})`,
      )}
    </p>
    <form class="knobs" method="post" action="/_sim/knobs">
      ${number("duplicates", "Duplicates", knobs.duplicates)}
      ${number("delayMs", "Delay (ms)", knobs.delayMs)}
      ${number("retryBaseMs", "Retry base (ms)", knobs.retryBaseMs)}
      ${number("maxAttempts", "Max attempts", knobs.maxAttempts)}
      ${number("timeoutMs", "Timeout (ms)", knobs.timeoutMs)}
      <input type="hidden" name="shuffle" value="false" />
      <label
        >Shuffle<input
          type="checkbox"
          name="shuffle"
          value="true"
          ${knobs.shuffle ? raw(" checked") : ""}
      /></label>
      <button class="primary" type="submit">Save knobs</button>
    </form>
  </section>`;
}

export function renderDashboard(ctx: SimContext, controls: SimControls): string {
  const body = html`<header>
      <strong>stripe-sim</strong><span class="badge">Test mode</span>
      <nav>
        <a href="#payments">Payments</a><a href="#disputes">Disputes</a
        ><a href="#subscriptions">Subscriptions</a><a href="#invoices">Invoices</a
        ><a href="#test-clocks">Test clocks</a><a href="#sessions">Checkout sessions</a
        ><a href="#customers">Customers</a><a href="#events">Events</a
        ><a href="#webhooks">Webhooks</a>
      </nav>
      <span style="margin-left:auto;color:#697386">API at <code>${ctx.baseUrl()}/v1</code></span>
    </header>
    <main>
      ${webhooksSection(ctx, controls)} ${paymentsSection(ctx)} ${disputesSection(ctx)}
      ${subscriptionsSection(ctx)} ${invoicesSection(ctx)} ${testClocksSection(ctx)}
      ${sessionsSection(ctx)} ${customersSection(ctx)} ${eventsSection(ctx, controls)}
    </main>`;
  return document("stripe-sim dashboard", STYLE, body);
}
