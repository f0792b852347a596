import type { IncomingMessage, ServerResponse } from "node:http";
import { idOf } from "../ids.js";
import type Stripe from "stripe";
import type { SimContext } from "../api/context.js";
import {
  cardRequired,
  completeSubscriptionSession,
  sessionBillingSettings,
  trialEndFor,
} from "../domain/checkout-billing.js";
import { customerNow } from "../domain/customer-time.js";
import {
  loadSession,
  payCheckoutSession,
  paymentIntentOf,
  resolveAuthentication,
} from "../domain/checkout.js";
import type { CheckoutPayResult } from "../domain/checkout-result.js";
import { StripeApiError } from "../http/errors.js";
import { createCardPaymentMethod } from "../domain/payment-methods.js";
import { AUTHENTICATION_FAILED_MESSAGE } from "../domain/payments.js";
import { readBody } from "../http/body.js";
import { parseForm } from "../http/form.js";
import { redirect, sendHtml } from "../http/respond.js";
import { billingDetails } from "../objects/payment-method.js";
import { EMPTY_FORM, readCheckoutForm, validateCheckoutForm } from "./checkout-form.js";
import type { CheckoutFormValues, FieldErrors } from "./checkout-form.js";
import { renderCheckoutPage } from "./checkout-page.js";
import { messages, pageLocale } from "./locale.js";
import { saveCollectedDetails } from "../domain/checkout-details.js";
import { fullAddress } from "../objects/customer.js";
import {
  renderExpiredPage,
  renderNotFoundPage,
  renderPaidPage,
  renderThreeDSecurePage,
  successUrlFor,
} from "./status-pages.js";

function trialView(
  ctx: SimContext,
  session: Stripe.Checkout.Session,
): { days: number; end: number } | null {
  const settings = sessionBillingSettings(ctx, session.id);
  const end = trialEndFor(ctx, settings, idOf(session.customer));
  if (end === null) return null;
  const start = customerNow(ctx, idOf(session.customer));
  return { days: settings.trialPeriodDays ?? Math.round((end - start) / (24 * 60 * 60)), end };
}

function prefilledEmail(ctx: SimContext, session: Stripe.Checkout.Session): string {
  const customerId = idOf(session.customer);
  const customer = customerId ? ctx.store.get("customers", customerId) : undefined;
  const customerEmail = customer && !customer.deleted ? customer.email : null;
  return customerEmail ?? session.customer_email ?? "";
}

function showForm(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  session: Stripe.Checkout.Session,
  values: CheckoutFormValues,
  errors: FieldErrors,
  banner: string | null,
): void {
  sendHtml(
    res,
    status,
    renderCheckoutPage({
      merchantName: ctx.merchantName,
      session,
      lineItems: ctx.lineItems.all(session.id),
      trial: session.mode === "subscription" ? trialView(ctx, session) : null,
      values,
      errors,
      banner,
      locale: pageLocale([session.locale], req),
    }),
  );
}

/** Answers for sessions that can no longer take a payment; true when it answered. */
function answeredClosed(
  ctx: SimContext,
  res: ServerResponse,
  session: Stripe.Checkout.Session | undefined,
): boolean {
  if (!session) {
    sendHtml(res, 404, renderNotFoundPage());
    return true;
  }
  if (session.status === "complete") {
    sendHtml(res, 200, renderPaidPage(ctx.merchantName, session));
    return true;
  }
  if (session.status === "expired") {
    sendHtml(res, 200, renderExpiredPage(ctx.merchantName, session));
    return true;
  }
  return false;
}

function afterSuccess(res: ServerResponse, session: Stripe.Checkout.Session): void {
  redirect(res, successUrlFor(session) ?? `/c/pay/${session.id}`);
}

async function readFormBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    return parseForm(await readBody(req));
  } catch {
    return {};
  }
}

/** The hosted checkout page at a session's `url`: plain HTML forms, 303 redirects, no JS needed. */
export async function handleCheckoutPage(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  sessionId: string,
  step: "pay" | "authenticate",
): Promise<void> {
  const method = req.method ?? "GET";
  // Read the body before looking at the session: from here on everything is synchronous, so two
  // submits racing each other cannot both see an open session and pay twice.
  const form = method === "POST" ? await readFormBody(req) : {};
  const session = ctx.db.transaction(() => loadSession(ctx, sessionId))();
  if (answeredClosed(ctx, res, session) || !session) return;

  if (step === "authenticate") {
    const paymentIntent = paymentIntentOf(ctx, session);
    if (method === "GET") {
      if (paymentIntent?.status === "requires_action") {
        sendHtml(res, 200, renderThreeDSecurePage(ctx.merchantName, session, paymentIntent));
      } else {
        redirect(res, `/c/pay/${session.id}`);
      }
      return;
    }
    const passed = form.outcome === "complete";
    const result = ctx.db.transaction(() => resolveAuthentication(ctx, session, passed))();
    if (result?.kind === "completed") afterSuccess(res, result.session);
    else if (result?.kind === "declined")
      redirect(res, `/c/pay/${session.id}?authentication=failed`);
    else redirect(res, `/c/pay/${session.id}`);
    return;
  }

  if (method !== "POST") {
    const paymentIntent = paymentIntentOf(ctx, session);
    const failedAuth =
      url.searchParams.get("authentication") === "failed" &&
      paymentIntent?.last_payment_error?.code === "payment_intent_authentication_failure";
    showForm(
      ctx,
      req,
      res,
      200,
      session,
      { ...EMPTY_FORM, email: prefilledEmail(ctx, session) },
      {},
      failedAuth ? AUTHENTICATION_FAILED_MESSAGE : null,
    );
    return;
  }

  const values = readCheckoutForm(form);
  const { errors, valid } = validateCheckoutForm(values, new Date(ctx.clock.nowSeconds() * 1000), {
    cardRequired: cardRequired(session),
    taxIdCollection: session.tax_id_collection?.enabled === true,
    addressRequired: session.billing_address_collection === "required",
    messages: messages(pageLocale([session.locale], req)),
  });
  if (!valid) {
    showForm(ctx, req, res, 400, session, values, errors, null);
    return;
  }
  let result: CheckoutPayResult;
  try {
    result = ctx.db.transaction(() => {
      const address = {
        country: valid.country,
        ...(valid.postalCode ? { postal_code: valid.postalCode } : {}),
        ...(valid.address
          ? {
              line1: valid.address.line1,
              line2: valid.address.line2,
              city: valid.address.city,
            }
          : {}),
      };
      const billing = billingDetails({ email: valid.email, name: valid.name, address });
      saveCollectedDetails(ctx, session.id, {
        businessName: valid.businessName,
        taxId: valid.taxId,
        address: valid.address ? fullAddress(address) : null,
      });
      const payer = { email: valid.email, name: valid.name };
      if (!valid.card) return completeSubscriptionSession(ctx, session, null, payer, null);
      const paymentMethod = createCardPaymentMethod(ctx, valid.card, billing);
      return payCheckoutSession(ctx, session, paymentMethod, payer, null);
    })();
  } catch (error) {
    // A declined first subscription charge rolls everything back; the session stays open.
    if (error instanceof StripeApiError && error.status === 402) {
      showForm(ctx, req, res, 402, session, values, {}, error.body.message);
      return;
    }
    throw error;
  }
  if (result.kind === "completed") afterSuccess(res, result.session);
  else if (result.kind === "requires_action") redirect(res, `/c/pay/${session.id}/authenticate`);
  else showForm(ctx, req, res, 402, result.session, values, {}, result.error.message);
}
