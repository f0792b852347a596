import type { IncomingMessage, ServerResponse } from "node:http";
import { pageLocale } from "./locale.js";
import { portalMessages } from "./portal-messages.js";
import type Stripe from "stripe";
import { requireConfiguration, sessionByUrl } from "../api/billing-portal.js";
import type { SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { customerNow } from "../domain/customer-time.js";
import { attachPaymentMethod, createCardPaymentMethod } from "../domain/payment-methods.js";
import { cancelAtPeriodEnd, renewSubscription } from "../domain/cancellation.js";
import { saveSubscription } from "../domain/subscription-status.js";
import { cancelNow, changeItems, productName } from "../domain/subscriptions.js";
import { readBody } from "../http/body.js";
import { parseForm } from "../http/form.js";
import { redirect, sendHtml } from "../http/respond.js";
import { billingDetails } from "../objects/payment-method.js";
import { EMPTY_FORM, readCheckoutForm, validateCheckoutForm } from "./checkout-form.js";
import {
  renderAddCardPage,
  renderCancelPage,
  renderConfirmation,
  renderPortalHome,
  renderPortalNotFound,
  renderReasonPage,
  renderUpdatePage,
} from "./portal-pages.js";
import type { PortalView } from "./portal-pages.js";

const PORTAL_PATH = /^\/p\/session\/(test_[A-Za-z0-9]+)(\/.*)?$/;

export function isPortalPath(path: string): boolean {
  return PORTAL_PATH.test(path);
}

const LIVE = ["trialing", "active", "past_due", "unpaid", "incomplete"];

function liveSubscriptions(ctx: SimContext, customerId: string): Stripe.Subscription[] {
  return ctx.store.list("subscriptions", {
    limit: 20,
    filters: [
      { path: "$.customer", value: customerId },
      { path: "$.status", value: LIVE },
    ],
  }).data;
}

function customerSubscription(
  ctx: SimContext,
  customerId: string,
  id: string,
): Stripe.Subscription | undefined {
  const subscription = ctx.store.get("subscriptions", id);
  return subscription &&
    idOf(subscription.customer) === customerId &&
    LIVE.includes(subscription.status)
    ? subscription
    : undefined;
}

/** After an action: the flow's after_completion (redirect or confirmation), else the portal home. */
function finish(view: PortalView, res: ServerResponse, message: string): void {
  const after = view.session.flow?.after_completion;
  if (after?.type === "redirect" && after.redirect?.return_url)
    return redirect(res, after.redirect.return_url);
  if (after?.type === "hosted_confirmation")
    return sendHtml(
      res,
      200,
      renderConfirmation(view, after.hosted_confirmation?.custom_message ?? message),
    );
  redirect(res, `${view.base}?notice=${encodeURIComponent(message)}`);
}

/** One request to the portal, once its session and customer are known. */
interface PortalRequest {
  ctx: SimContext;
  view: PortalView;
  res: ServerResponse;
  url: URL;
  /** The POSTed form ({} on GET). */
  form: Record<string, unknown>;
}

/** A route about one of the customer's live subscriptions (404 for any other id). */
interface SubscriptionRequest extends PortalRequest {
  subscription: Stripe.Subscription;
  productName: string;
}

type PortalHandler = (r: PortalRequest) => void;
type SubscriptionHandler = (r: SubscriptionRequest) => void;

/**
 * The portal's pages under `/p/session/:id`. A method a route does not list redirects to the
 * portal home, as a stale form or a reload would on Stripe's portal.
 */
type PortalRoute =
  | { path: RegExp; subscription?: false; get?: PortalHandler; post?: PortalHandler }
  | { path: RegExp; subscription: true; get?: SubscriptionHandler; post?: SubscriptionHandler };

const ROUTES: PortalRoute[] = [
  { path: /^\/?$/, get: showHome },
  {
    path: /^\/subscriptions\/([^/]+)\/cancel$/,
    subscription: true,
    get: showCancel,
    post: cancelSubscription,
  },
  {
    path: /^\/subscriptions\/([^/]+)\/reason$/,
    subscription: true,
    get: showReason,
    post: saveReason,
  },
  { path: /^\/subscriptions\/([^/]+)\/renew$/, subscription: true, post: renew },
  {
    path: /^\/subscriptions\/([^/]+)\/update$/,
    subscription: true,
    get: showUpdate,
    post: updatePlan,
  },
  { path: /^\/payment-methods\/new$/, get: showAddCard, post: addCard },
];

/** The hosted customer portal at a session's `url`: plain HTML forms and 303s, with the real portal's selectors. */
export async function handlePortal(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const match = PORTAL_PATH.exec(url.pathname);
  const method = req.method ?? "GET";
  const form = method === "POST" ? parseForm(await readBody(req).catch(() => "")) : {};
  const base = `/p/session/${match?.[1] ?? ""}`;
  const session = sessionByUrl(ctx, `${ctx.baseUrl()}${base}`);
  const customer = session ? ctx.store.get("customers", session.customer) : undefined;
  if (!session || !customer || customer.deleted) {
    sendHtml(res, 404, renderPortalNotFound());
    return;
  }
  const view: PortalView = {
    merchantName: ctx.merchantName,
    base,
    session,
    configuration: requireConfiguration(ctx, idOf(session.configuration) ?? ""),
    customer,
    locale: pageLocale([session.locale, ...(customer.preferred_locales ?? [])], req),
  };
  const rest = match?.[2] ?? "";
  const request: PortalRequest = { ctx, view, res, url, form };
  for (const route of ROUTES) {
    const params = route.path.exec(rest);
    if (!params) continue;
    if (route.subscription) {
      const subscription = customerSubscription(ctx, customer.id, params[1] ?? "");
      if (!subscription) return sendHtml(res, 404, renderPortalNotFound());
      const handler = method === "POST" ? route.post : route.get;
      if (!handler) return redirect(res, base);
      return handler({ ...request, subscription, productName: nameOf(ctx, subscription) });
    }
    const handler = method === "POST" ? route.post : route.get;
    if (!handler) return redirect(res, base);
    return handler(request);
  }
  sendHtml(res, 404, renderPortalNotFound());
}

function nameOf(ctx: SimContext, subscription: Stripe.Subscription): string {
  return subscription.items.data[0]
    ? productName(ctx, subscription.items.data[0].price)
    : "Subscription";
}

function messages(view: PortalView) {
  return portalMessages(view.locale ?? "en");
}

/** Home: subscriptions, payment method, invoices; a deep-linked flow opens on its own page once. */
function showHome({ ctx, view, res, url }: PortalRequest): void {
  const { base, session, customer } = view;
  const flow = session.flow;
  if (flow && url.searchParams.get("notice") === null && url.searchParams.get("home") === null) {
    if (flow.type === "subscription_cancel" && flow.subscription_cancel)
      return redirect(res, `${base}/subscriptions/${flow.subscription_cancel.subscription}/cancel`);
    if (flow.type === "payment_method_update") return redirect(res, `${base}/payment-methods/new`);
    if (flow.type === "subscription_update" && flow.subscription_update)
      return redirect(res, `${base}/subscriptions/${flow.subscription_update.subscription}/update`);
  }
  const subscriptions = liveSubscriptions(ctx, customer.id).map((subscription) => ({
    subscription,
    productName: nameOf(ctx, subscription),
  }));
  const pmId =
    idOf(customer.invoice_settings.default_payment_method) ??
    idOf(subscriptions[0]?.subscription.default_payment_method ?? null);
  const paymentMethod = pmId ? (ctx.store.get("payment_methods", pmId) ?? null) : null;
  const invoices = ctx.store.list("invoices", {
    limit: 24,
    filters: [
      { path: "$.customer", value: customer.id },
      { path: "$.status", value: ["open", "paid", "uncollectible"] },
    ],
  }).data;
  sendHtml(
    res,
    200,
    renderPortalHome(view, subscriptions, paymentMethod, invoices, url.searchParams.get("notice")),
  );
}

function showCancel({ view, res, subscription, productName }: SubscriptionRequest): void {
  if (!view.configuration.features.subscription_cancel.enabled) return redirect(res, view.base);
  sendHtml(res, 200, renderCancelPage(view, subscription, productName));
}

/** Cancels at period end or at once (per the configuration), then asks why when reasons are on. */
function cancelSubscription({ ctx, view, res, subscription }: SubscriptionRequest): void {
  const cancel = view.configuration.features.subscription_cancel;
  if (!cancel.enabled) return redirect(res, view.base);
  ctx.db.transaction(() => {
    if (cancel.mode === "immediately") cancelNow(ctx, subscription, "cancellation_requested", null);
    else cancelAtPeriodEnd(ctx, subscription, null);
  })();
  ctx.wakeDeliveries();
  if (cancel.cancellation_reason.enabled && cancel.cancellation_reason.options.length > 0) {
    return redirect(res, `${view.base}/subscriptions/${subscription.id}/reason`);
  }
  finish(view, res, messages(view).canceled);
}

function showReason({ view, res, subscription }: SubscriptionRequest): void {
  const options = view.configuration.features.subscription_cancel.cancellation_reason.options;
  sendHtml(res, 200, renderReasonPage(view, subscription, options));
}

/** The reason step: a listed reason lands in cancellation_details.feedback; skipping keeps none. */
function saveReason({ ctx, view, res, form, subscription }: SubscriptionRequest): void {
  const options = view.configuration.features.subscription_cancel.cancellation_reason.options;
  const reason = typeof form.reason === "string" ? form.reason : "";
  if (form.skip !== "true" && options.includes(reason as (typeof options)[number])) {
    ctx.db.transaction(() => {
      const current = ctx.store.get("subscriptions", subscription.id) ?? subscription;
      saveSubscription(
        ctx,
        current,
        {
          ...current,
          cancellation_details: {
            comment: current.cancellation_details?.comment ?? null,
            feedback: reason as Stripe.Subscription.CancellationDetails.Feedback,
            feedback_option: null,
            reason: current.cancellation_details?.reason ?? "cancellation_requested",
          },
        },
        null,
      );
    })();
    ctx.wakeDeliveries();
  }
  finish(view, res, messages(view).canceled);
}

function renew({ ctx, view, res, subscription }: SubscriptionRequest): void {
  ctx.db.transaction(() => renewSubscription(ctx, subscription, null))();
  ctx.wakeDeliveries();
  finish(view, res, messages(view).renewed);
}

/** The prices the configuration offers to switch to; null when plan updates are off. */
function planChoices(
  ctx: SimContext,
  view: PortalView,
): Array<{ price: Stripe.Price; productName: string }> | null {
  const update = view.configuration.features.subscription_update;
  const allowed = (update.products ?? []).flatMap((p) => p.prices);
  if (!update.enabled || allowed.length === 0) return null;
  return allowed
    .map((id) => ctx.store.get("prices", id))
    .filter((price): price is Stripe.Price => !!price && price.active)
    .map((price) => ({ price, productName: productName(ctx, price) }));
}

function showUpdate({ ctx, view, res, subscription }: SubscriptionRequest): void {
  const choices = planChoices(ctx, view);
  if (!choices) return redirect(res, view.base);
  sendHtml(res, 200, renderUpdatePage(view, subscription, choices));
}

/** Switches the first item to the chosen price with the configuration's proration_behavior. */
function updatePlan({ ctx, view, res, form, subscription }: SubscriptionRequest): void {
  const choices = planChoices(ctx, view);
  if (!choices) return redirect(res, view.base);
  const priceId = typeof form.price === "string" ? form.price : "";
  const chosen = choices.find((c) => c.price.id === priceId);
  const item = subscription.items.data[0];
  if (!chosen || !item) return sendHtml(res, 400, renderUpdatePage(view, subscription, choices));
  ctx.db.transaction(() => {
    const configured = String(view.configuration.features.subscription_update.proration_behavior);
    const proration =
      configured === "none"
        ? "none"
        : configured === "always_invoice"
          ? "always_invoice"
          : "create_prorations";
    changeItems(
      ctx,
      subscription,
      [{ id: item.id, price: chosen.price, quantity: null, deleted: false }],
      proration,
      null,
    );
  })();
  ctx.wakeDeliveries();
  finish(view, res, messages(view).planUpdated);
}

function showAddCard({ view, res }: PortalRequest): void {
  if (!view.configuration.features.payment_method_update.enabled) return redirect(res, view.base);
  sendHtml(
    res,
    200,
    renderAddCardPage(view, { ...EMPTY_FORM, billingName: view.customer.name ?? "" }, {}, null),
  );
}

/** A new card becomes the default of the customer and of their subscriptions that have one. */
function addCard({ ctx, view, res, form }: PortalRequest): void {
  const { customer } = view;
  if (!view.configuration.features.payment_method_update.enabled) return redirect(res, view.base);
  const values = readCheckoutForm({ ...form, email: customer.email ?? "portal@example.com" });
  const { errors, valid } = validateCheckoutForm(
    values,
    new Date(customerNow(ctx, customer.id) * 1000),
  );
  const card = valid?.card;
  if (!valid || !card) return sendHtml(res, 400, renderAddCardPage(view, values, errors, null));
  ctx.db.transaction(() => {
    const created = createCardPaymentMethod(
      ctx,
      card,
      billingDetails({ email: customer.email ?? undefined, name: valid.name }),
    );
    const attached = attachPaymentMethod(ctx, created, customer.id, null);
    const before = ctx.store.get("customers", customer.id);
    if (before && !before.deleted) {
      const after: Stripe.Customer = {
        ...before,
        invoice_settings: { ...before.invoice_settings, default_payment_method: attached.id },
      };
      ctx.store.replace("customers", after);
      ctx.events.emit("customer.updated", after, null, {
        invoice_settings: before.invoice_settings,
      });
    }
    for (const subscription of liveSubscriptions(ctx, customer.id)) {
      if (subscription.default_payment_method)
        saveSubscription(
          ctx,
          subscription,
          { ...subscription, default_payment_method: attached.id },
          null,
        );
    }
  })();
  ctx.wakeDeliveries();
  finish(view, res, messages(view).cardAdded);
}
