import type { IncomingMessage, ServerResponse } from "node:http";
import { pageLocale } from "./locale.js";
import { portalMessages } from "./portal-messages.js";
import type Stripe from "stripe";
import { requireConfiguration, sessionByUrl } from "../api/billing-portal.js";
import type { SimContext } from "../api/context.js";
import { idOf } from "../ids.js";
import { customerNow } from "../domain/customer-time.js";
import { attachPaymentMethod, createCardPaymentMethod } from "../domain/payment-methods.js";
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
  const features = view.configuration.features;
  const rest = match?.[2] ?? "";

  if (rest === "" || rest === "/") {
    if (method !== "GET") return redirect(res, base);
    // A deep-linked flow opens on its page the first time (the flow's page links back home).
    const flow = session.flow;
    if (flow && url.searchParams.get("notice") === null && url.searchParams.get("home") === null) {
      if (flow.type === "subscription_cancel" && flow.subscription_cancel)
        return redirect(
          res,
          `${base}/subscriptions/${flow.subscription_cancel.subscription}/cancel`,
        );
      if (flow.type === "payment_method_update")
        return redirect(res, `${base}/payment-methods/new`);
      if (flow.type === "subscription_update" && flow.subscription_update)
        return redirect(
          res,
          `${base}/subscriptions/${flow.subscription_update.subscription}/update`,
        );
    }
    const subscriptions = liveSubscriptions(ctx, customer.id).map((subscription) => ({
      subscription,
      productName: subscription.items.data[0]
        ? productName(ctx, subscription.items.data[0].price)
        : "Subscription",
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
      renderPortalHome(
        view,
        subscriptions,
        paymentMethod,
        invoices,
        url.searchParams.get("notice"),
      ),
    );
    return;
  }

  const sub = /^\/subscriptions\/([^/]+)\/(cancel|reason|renew|update)$/.exec(rest);
  if (sub) {
    const subscription = customerSubscription(ctx, customer.id, sub[1] ?? "");
    if (!subscription) return sendHtml(res, 404, renderPortalNotFound());
    const name = subscription.items.data[0]
      ? productName(ctx, subscription.items.data[0].price)
      : "Subscription";
    const action = sub[2];
    if (action === "cancel") {
      if (!features.subscription_cancel.enabled) return redirect(res, base);
      if (method === "GET") return sendHtml(res, 200, renderCancelPage(view, subscription, name));
      ctx.db.transaction(() => {
        if (features.subscription_cancel.mode === "immediately") {
          cancelNow(ctx, subscription, "cancellation_requested", null);
        } else {
          const now = customerNow(ctx, customer.id);
          saveSubscription(
            ctx,
            subscription,
            {
              ...subscription,
              cancel_at_period_end: true,
              cancel_at: subscription.items.data[0]?.current_period_end ?? now,
              canceled_at: now,
              cancellation_details: {
                comment: null,
                feedback: null,
                feedback_option: null,
                reason: "cancellation_requested",
              },
            },
            null,
          );
        }
      })();
      ctx.wakeDeliveries();
      if (
        features.subscription_cancel.cancellation_reason.enabled &&
        features.subscription_cancel.cancellation_reason.options.length > 0
      ) {
        return redirect(res, `${base}/subscriptions/${subscription.id}/reason`);
      }
      return finish(view, res, portalMessages(view.locale ?? "en").canceled);
    }
    if (action === "reason") {
      const options = features.subscription_cancel.cancellation_reason.options;
      if (method === "GET")
        return sendHtml(res, 200, renderReasonPage(view, subscription, options));
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
      return finish(view, res, portalMessages(view.locale ?? "en").canceled);
    }
    if (action === "renew") {
      if (method !== "POST") return redirect(res, base);
      ctx.db.transaction(() => {
        saveSubscription(
          ctx,
          subscription,
          {
            ...subscription,
            cancel_at_period_end: false,
            cancel_at: null,
            canceled_at: null,
            cancellation_details: {
              comment: null,
              feedback: null,
              feedback_option: null,
              reason: null,
            },
          },
          null,
        );
      })();
      ctx.wakeDeliveries();
      return finish(view, res, portalMessages(view.locale ?? "en").renewed);
    }
    // update
    const update = features.subscription_update;
    const allowed = (update.products ?? []).flatMap((p) => p.prices);
    if (!update.enabled || allowed.length === 0) return redirect(res, base);
    const choices = allowed
      .map((id) => ctx.store.get("prices", id))
      .filter((price): price is Stripe.Price => !!price && price.active)
      .map((price) => ({ price, productName: productName(ctx, price) }));
    if (method === "GET") return sendHtml(res, 200, renderUpdatePage(view, subscription, choices));
    const priceId = typeof form.price === "string" ? form.price : "";
    const chosen = choices.find((c) => c.price.id === priceId);
    const item = subscription.items.data[0];
    if (!chosen || !item) return sendHtml(res, 400, renderUpdatePage(view, subscription, choices));
    ctx.db.transaction(() => {
      const configured = String(update.proration_behavior);
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
    return finish(view, res, portalMessages(view.locale ?? "en").planUpdated);
  }

  if (rest === "/payment-methods/new") {
    if (!features.payment_method_update.enabled) return redirect(res, base);
    if (method === "GET")
      return sendHtml(
        res,
        200,
        renderAddCardPage(view, { ...EMPTY_FORM, billingName: customer.name ?? "" }, {}, null),
      );
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
      // The portal makes the new card the default for the customer and for their subscriptions.
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
    return finish(view, res, portalMessages(view.locale ?? "en").cardAdded);
  }
  sendHtml(res, 404, renderPortalNotFound());
}
