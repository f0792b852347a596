import { render } from "@react-email/render";
import type { Kysely } from "kysely";
import { createElement, type FunctionComponent } from "react";
import type { Database } from "../../db/schema";
import RenewalReceiptEmail, { renewalReceiptSubject, type RenewalReceiptEmailProps } from "../../emails/renewal-receipt";
import SubscriptionCancelledEmail, {
  subscriptionCancelledSubject,
  type SubscriptionCancelledEmailProps,
} from "../../emails/subscription-cancelled";
import SubscriptionPaymentFailedEmail, {
  subscriptionPaymentFailedSubject,
  type SubscriptionPaymentFailedEmailProps,
} from "../../emails/subscription-payment-failed";
import SubscriptionStartedEmail, { subscriptionStartedSubject, type SubscriptionStartedEmailProps } from "../../emails/subscription-started";
import TrialEndingEmail, { trialEndingSubject, type TrialEndingEmailProps } from "../../emails/trial-ending";
import { enqueueEmail } from "../email/outbox.server";
import type { RenderedEmail } from "../email/templates.server";

// One small function per billing email: render (outside any transaction), then queue it in the
// transaction of the sync that decided it, once per Stripe object by its dedupe key.

async function renderEmail<P extends object>(component: FunctionComponent<P>, props: P, subject: string): Promise<RenderedEmail> {
  const element = createElement(component, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}

export const renderSubscriptionStarted = (props: SubscriptionStartedEmailProps) =>
  renderEmail(SubscriptionStartedEmail, props, subscriptionStartedSubject(props));
export const renderTrialEnding = (props: TrialEndingEmailProps) => renderEmail(TrialEndingEmail, props, trialEndingSubject(props.trialEndsOn));
export const renderRenewalReceipt = (props: RenewalReceiptEmailProps) =>
  renderEmail(RenewalReceiptEmail, props, renewalReceiptSubject(props.planName));
export const renderSubscriptionPaymentFailed = (props: SubscriptionPaymentFailedEmailProps) =>
  renderEmail(SubscriptionPaymentFailedEmail, props, subscriptionPaymentFailedSubject(props.planName));
export const renderSubscriptionCancelled = (props: SubscriptionCancelledEmailProps) =>
  renderEmail(SubscriptionCancelledEmail, props, subscriptionCancelledSubject(props.planName));

/** The dedupe keys: one email per Stripe object (and per trial end for the trial reminder). */
export const billingEmailKeys = {
  started: (subscriptionId: string) => `subscription-started:${subscriptionId}`,
  trialEnding: (subscriptionId: string, trialEnd: string) => `trial-ending:${subscriptionId}:${trialEnd}`,
  renewalReceipt: (invoiceId: string) => `renewal-receipt:${invoiceId}`,
  paymentFailed: (invoiceId: string) => `subscription-payment-failed:${invoiceId}`,
  cancelled: (subscriptionId: string) => `subscription-cancelled:${subscriptionId}`,
};

export interface PreparedBillingEmail {
  dedupeKey: string;
  to: string;
  email: RenderedEmail;
}

export async function queueBillingEmail(trx: Kysely<Database>, prepared: PreparedBillingEmail, now: Date): Promise<boolean> {
  return enqueueEmail(trx, { dedupeKey: prepared.dedupeKey, to: prepared.to, ...prepared.email }, now);
}
