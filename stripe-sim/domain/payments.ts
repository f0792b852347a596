import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { docUrl } from "../http/errors.js";
import type { StripeErrorBody } from "../http/errors.js";
import { newId } from "../ids.js";
import { buildCharge } from "../objects/charge.js";
import { buildPaymentIntent } from "../objects/payment-intent.js";
import type { PaymentIntentFields } from "../objects/payment-intent.js";
import { cardFee, recordChargeTransaction } from "./balance.js";
import { behaviourForFingerprint } from "./cards.js";
import { scheduleTestDispute } from "./disputes.js";
import { incompatiblePaymentMethod, startDebit } from "./sepa-debit.js";

export type ConfirmResult =
  | { kind: "succeeded"; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { kind: "requires_action"; paymentIntent: Stripe.PaymentIntent }
  | {
      kind: "declined";
      paymentIntent: Stripe.PaymentIntent;
      charge: Stripe.Charge;
      error: StripeErrorBody;
    };

export const AUTHENTICATION_FAILED_MESSAGE =
  "We are unable to authenticate your payment method. Please choose a different payment method and try again.";

export function createPaymentIntent(
  ctx: SimContext,
  fields: PaymentIntentFields,
  origin: EventOrigin,
  created = ctx.clock.nowSeconds(),
): Stripe.PaymentIntent {
  const paymentIntent = buildPaymentIntent(newId("pi"), created, fields);
  ctx.store.insert("payment_intents", paymentIntent);
  ctx.events.emit("payment_intent.created", paymentIntent, origin);
  return paymentIntent;
}

/**
 * Confirms with a card (confirmPayment) or submits a SEPA Direct Debit (startDebit), which
 * answers `processing`; the PaymentIntent's payment_method_types must list the method's type.
 */
export function confirmAnyPayment(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  origin: EventOrigin,
  options: { nextActionUrl?: string } = {},
): ConfirmResult | { kind: "processing"; paymentIntent: Stripe.PaymentIntent } {
  if (paymentMethod.type === "sepa_debit") {
    const now = ctx.clock.nowSeconds();
    const processing = startDebit(ctx, paymentIntent, paymentMethod, origin, now);
    return { kind: "processing", paymentIntent: processing };
  }
  return confirmPayment(ctx, paymentIntent, paymentMethod, origin, options);
}

/**
 * Charges the card the way Stripe's test mode does for the card's number: success, a decline
 * (failed charge, PaymentIntent back to requires_payment_method) or a 3-D Secure challenge.
 * `authenticated` is set when the customer has just passed that challenge.
 */
export function confirmPayment(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod,
  origin: EventOrigin,
  /** `now`: the time to stamp the charge with (a test clock's time for invoices on one). */
  options: { authenticated?: boolean; nextActionUrl?: string; now?: number } = {},
): ConfirmResult {
  if (paymentMethod.type !== "card") throw incompatiblePaymentMethod(paymentIntent, paymentMethod);
  const behaviour = behaviourForFingerprint(paymentMethod.card?.fingerprint);
  if (behaviour.kind === "authenticate" && !options.authenticated) {
    const waiting: Stripe.PaymentIntent = {
      ...paymentIntent,
      status: "requires_action",
      payment_method: paymentMethod.id,
      last_payment_error: null,
      next_action: options.nextActionUrl
        ? {
            type: "redirect_to_url",
            redirect_to_url: { return_url: null, url: options.nextActionUrl },
          }
        : { type: "use_stripe_sdk", use_stripe_sdk: {} },
    };
    ctx.store.replace("payment_intents", waiting);
    ctx.events.emit("payment_intent.requires_action", waiting, origin);
    return { kind: "requires_action", paymentIntent: waiting };
  }

  const now = options.now ?? ctx.clock.nowSeconds();
  if (behaviour.kind === "decline") {
    const charge = withReceipt(
      ctx,
      buildCharge(newId("ch"), now, paymentIntent, paymentMethod, {
        paid: false,
        code: behaviour.code,
        declineCode: behaviour.declineCode,
        message: behaviour.message,
      }),
    );
    ctx.store.insert("charges", charge);
    ctx.events.emit("charge.failed", charge, origin);
    const lastPaymentError: Stripe.PaymentIntent.LastPaymentError = {
      charge: charge.id,
      code: behaviour.code as Stripe.PaymentIntent.LastPaymentError.Code,
      decline_code: behaviour.declineCode,
      doc_url: docUrl(behaviour.code),
      message: behaviour.message,
      payment_method: paymentMethod,
      payment_method_type: "card",
      type: "card_error",
    };
    const failed: Stripe.PaymentIntent = {
      ...paymentIntent,
      status: "requires_payment_method",
      payment_method: null,
      latest_charge: charge.id,
      last_payment_error: lastPaymentError,
      next_action: null,
    };
    ctx.store.replace("payment_intents", failed);
    ctx.events.emit("payment_intent.payment_failed", failed, origin);
    const error: StripeErrorBody = {
      type: "card_error",
      code: behaviour.code,
      decline_code: behaviour.declineCode,
      doc_url: docUrl(behaviour.code),
      message: behaviour.message,
      charge: charge.id,
      payment_intent: failed,
      payment_method: paymentMethod,
    };
    return { kind: "declined", paymentIntent: failed, charge, error };
  }

  const built = withReceipt(
    ctx,
    buildCharge(newId("ch"), now, paymentIntent, paymentMethod, { paid: true }),
  );
  const charge: Stripe.Charge = {
    ...built,
    balance_transaction: recordChargeTransaction(ctx, built, cardFee(built.amount), now),
  };
  ctx.store.insert("charges", charge);
  scheduleTestDispute(ctx, charge, paymentMethod);
  ctx.events.emit("charge.succeeded", charge, origin);
  const succeeded: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "succeeded",
    amount_received: paymentIntent.amount,
    payment_method: paymentMethod.id,
    latest_charge: charge.id,
    last_payment_error: null,
    next_action: null,
  };
  ctx.store.replace("payment_intents", succeeded);
  ctx.events.emit("payment_intent.succeeded", succeeded, origin);
  return { kind: "succeeded", paymentIntent: succeeded, charge };
}

/** Every charge links the stand-in's receipt page, as Stripe's charges link theirs. */
function withReceipt(ctx: SimContext, charge: Stripe.Charge): Stripe.Charge {
  return { ...charge, receipt_url: `${ctx.baseUrl()}/receipts/${charge.id}` };
}

/** The customer pressed "Fail authentication": no charge, the intent waits for another card. */
export function failAuthentication(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  paymentMethod: Stripe.PaymentMethod | undefined,
  origin: EventOrigin,
): Stripe.PaymentIntent {
  const failed: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "requires_payment_method",
    payment_method: null,
    next_action: null,
    last_payment_error: {
      code: "payment_intent_authentication_failure",
      doc_url: docUrl("payment_intent_authentication_failure"),
      message:
        "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
      ...(paymentMethod ? { payment_method: paymentMethod } : {}),
      payment_method_type: "card",
      type: "invalid_request_error",
    },
  };
  ctx.store.replace("payment_intents", failed);
  ctx.events.emit("payment_intent.payment_failed", failed, origin);
  return failed;
}

export function cancelPaymentIntent(
  ctx: SimContext,
  paymentIntent: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
  origin: EventOrigin,
): Stripe.PaymentIntent {
  const canceled: Stripe.PaymentIntent = {
    ...paymentIntent,
    status: "canceled",
    canceled_at: ctx.clock.nowSeconds(),
    cancellation_reason: reason,
    next_action: null,
  };
  ctx.store.replace("payment_intents", canceled);
  ctx.events.emit("payment_intent.canceled", canceled, origin);
  return canceled;
}

export const CANCELABLE_STATUSES: ReadonlyArray<Stripe.PaymentIntent.Status> = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "requires_capture",
];
