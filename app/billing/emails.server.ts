import type { TemplateEmail } from "../email/outbox.server";

// The billing emails, queued by template name and props in the transaction of the sync that
// decided them (the dispatcher renders them when it sends), once per Stripe object by key.

export type BillingTemplate =
  | "subscription-started"
  | "trial-ending"
  | "renewal-receipt"
  | "subscription-payment-failed"
  | "subscription-cancelled"
  | "payment-action-required";

/** The dedupe keys: one email per Stripe object (and per trial end for the trial reminder). */
export const billingEmailKeys = {
  started: (subscriptionId: string) => `subscription-started:${subscriptionId}`,
  trialEnding: (subscriptionId: string, trialEnd: string) =>
    `trial-ending:${subscriptionId}:${trialEnd}`,
  renewalReceipt: (invoiceId: string) => `renewal-receipt:${invoiceId}`,
  paymentFailed: (invoiceId: string) => `subscription-payment-failed:${invoiceId}`,
  cancelled: (subscriptionId: string) => `subscription-cancelled:${subscriptionId}`,
  actionRequired: (invoiceId: string) => `payment-action-required:${invoiceId}`,
};

export type BillingEmail = Extract<TemplateEmail, { template: BillingTemplate }>;
