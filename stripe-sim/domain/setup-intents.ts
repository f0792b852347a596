import type Stripe from "stripe";
import type { EventOrigin, SimContext } from "../api/context.js";
import { newClientSecret, newId } from "../ids.js";
import { behaviourForFingerprint, cardFingerprint } from "./cards.js";
import { attachPaymentMethod } from "./payment-methods.js";

export interface NewSetupIntent {
  customer: string | null;
  description: string | null;
  metadata: Stripe.Metadata;
  usage: string;
}

/** 4000 0000 0000 0341 attaches to a customer; only its later charges fail. */
const ATTACHES_THEN_FAILS = cardFingerprint("4000000000000341");

/** A SetupIntent waiting for its payment method (Stripe's shape for the pinned version). */
export function newSetupIntent(ctx: SimContext, fields: NewSetupIntent): Stripe.SetupIntent {
  const id = newId("seti");
  return {
    id,
    object: "setup_intent",
    allowed_payment_method_types: null,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: newClientSecret(id),
    created: ctx.clock.nowSeconds(),
    customer: fields.customer,
    description: fields.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: fields.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: "automatic" },
    },
    payment_method_types: ["card"],
    single_use_mandate: null,
    status: "requires_payment_method",
    usage: fields.usage,
  };
}

/** Stores a new SetupIntent and sends setup_intent.created. */
export function createSetupIntent(
  ctx: SimContext,
  fields: NewSetupIntent,
  origin: EventOrigin,
): Stripe.SetupIntent {
  const setupIntent = newSetupIntent(ctx, fields);
  ctx.store.insert("setup_intents", setupIntent);
  ctx.events.emit("setup_intent.created", setupIntent, origin);
  return setupIntent;
}

/**
 * Confirms a SetupIntent with a card: the card is attached to the intent's customer (if any)
 * and the intent succeeds, or, for a card that declines, it records the error and goes back to
 * requires_payment_method with setup_intent.setup_failed, as Stripe does.
 */
export function confirmSetupIntent(
  ctx: SimContext,
  setupIntent: Stripe.SetupIntent,
  paymentMethod: Stripe.PaymentMethod,
  origin: EventOrigin,
): Stripe.SetupIntent {
  const fingerprint = paymentMethod.card?.fingerprint;
  const behaviour = behaviourForFingerprint(fingerprint);
  if (behaviour.kind === "decline" && fingerprint !== ATTACHES_THEN_FAILS) {
    const failed: Stripe.SetupIntent = {
      ...setupIntent,
      status: "requires_payment_method",
      payment_method: null,
      last_setup_error: {
        code: behaviour.code,
        decline_code: behaviour.declineCode,
        message: behaviour.message,
        type: "card_error",
      } as Stripe.SetupIntent.LastSetupError,
    };
    ctx.store.replace("setup_intents", failed);
    ctx.events.emit("setup_intent.setup_failed", failed, origin);
    return failed;
  }
  const customerId = typeof setupIntent.customer === "string" ? setupIntent.customer : null;
  const attached = customerId
    ? attachPaymentMethod(ctx, paymentMethod, customerId, origin)
    : paymentMethod;
  const succeeded: Stripe.SetupIntent = {
    ...setupIntent,
    status: "succeeded",
    payment_method: attached.id,
    last_setup_error: null,
  };
  ctx.store.replace("setup_intents", succeeded);
  ctx.events.emit("setup_intent.succeeded", succeeded, origin);
  return succeeded;
}
