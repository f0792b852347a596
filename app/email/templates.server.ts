import { plainTextSelectors, render } from "@react-email/render";
import { compile } from "html-to-text";
import { createElement, type ComponentType } from "react";
import PaymentConfirmationEmail, {
  paymentConfirmationSubject,
  type PaymentConfirmationEmailProps,
} from "../../emails/payment-confirmation";
import PaymentFailedEmail, {
  paymentFailedSubject,
  type PaymentFailedEmailProps,
} from "../../emails/payment-failed";
import RenewalReminderEmail, {
  renewalReminderSubject,
  type RenewalReminderEmailProps,
} from "../../emails/renewal-reminder";
import RenewalReceiptEmail, {
  renewalReceiptSubject,
  type RenewalReceiptEmailProps,
} from "../../emails/renewal-receipt";
import SubscriptionCancelledEmail, {
  subscriptionCancelledSubject,
  type SubscriptionCancelledEmailProps,
} from "../../emails/subscription-cancelled";
import SubscriptionPaymentFailedEmail, {
  subscriptionPaymentFailedSubject,
  type SubscriptionPaymentFailedEmailProps,
} from "../../emails/subscription-payment-failed";
import SubscriptionStartedEmail, {
  subscriptionStartedSubject,
  type SubscriptionStartedEmailProps,
} from "../../emails/subscription-started";
import RefundEmail, { refundSubject, type RefundEmailProps } from "../../emails/refund";
import MembershipConflictEmail, {
  membershipConflictSubject,
  type MembershipConflictEmailProps,
} from "../../emails/membership-conflict";
import DisputeNoticeEmail, {
  disputeNoticeSubject,
  type DisputeNoticeEmailProps,
} from "../../emails/dispute-notice";
import PaymentActionRequiredEmail, {
  paymentActionRequiredSubject,
  type PaymentActionRequiredEmailProps,
} from "../../emails/payment-action-required";
import RenewalNoticeEmail, {
  renewalNoticeSubject,
  type RenewalNoticeEmailProps,
} from "../../emails/renewal-notice";
import TrialEndingEmail, {
  trialEndingSubject,
  type TrialEndingEmailProps,
} from "../../emails/trial-ending";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * The templates the outbox can hold by name. A row keeps the template's name, the version of
 * its props and the props; the dispatcher renders it when it sends. Changing a template's
 * props in a way old rows cannot satisfy means a new version, with the old one kept (or
 * upgraded here) until no pending row carries it.
 */
interface TemplateDefinition<P> {
  version: number;
  component: ComponentType<P>;
  subject(props: P): string;
}

const templates = {
  "payment-confirmation": {
    version: 1,
    component: PaymentConfirmationEmail,
    subject: (props) => paymentConfirmationSubject(props.planName),
  } satisfies TemplateDefinition<PaymentConfirmationEmailProps>,
  "payment-failed": {
    version: 1,
    component: PaymentFailedEmail,
    subject: (props) => paymentFailedSubject(props.planName),
  } satisfies TemplateDefinition<PaymentFailedEmailProps>,
  "renewal-reminder": {
    version: 1,
    component: RenewalReminderEmail,
    subject: (props) => renewalReminderSubject(props.kind, props.planName),
  } satisfies TemplateDefinition<RenewalReminderEmailProps>,
  // Auto-renewing plans (app/billing/emails.server.ts queues them).
  "subscription-started": {
    version: 1,
    component: SubscriptionStartedEmail,
    subject: (props) => subscriptionStartedSubject(props),
  } satisfies TemplateDefinition<SubscriptionStartedEmailProps>,
  "trial-ending": {
    version: 1,
    component: TrialEndingEmail,
    subject: (props) => trialEndingSubject(props.trialEndsOn),
  } satisfies TemplateDefinition<TrialEndingEmailProps>,
  "renewal-receipt": {
    version: 1,
    component: RenewalReceiptEmail,
    subject: (props) => renewalReceiptSubject(props.planName),
  } satisfies TemplateDefinition<RenewalReceiptEmailProps>,
  "subscription-payment-failed": {
    version: 1,
    component: SubscriptionPaymentFailedEmail,
    subject: (props) => subscriptionPaymentFailedSubject(props.planName),
  } satisfies TemplateDefinition<SubscriptionPaymentFailedEmailProps>,
  "subscription-cancelled": {
    version: 1,
    component: SubscriptionCancelledEmail,
    subject: (props) => subscriptionCancelledSubject(props.planName),
  } satisfies TemplateDefinition<SubscriptionCancelledEmailProps>,
  // Refunds, disputes, one membership, renewals (decision 17).
  refund: {
    version: 1,
    component: RefundEmail,
    subject: () => refundSubject(),
  } satisfies TemplateDefinition<RefundEmailProps>,
  "membership-conflict": {
    version: 1,
    component: MembershipConflictEmail,
    subject: () => membershipConflictSubject(),
  } satisfies TemplateDefinition<MembershipConflictEmailProps>,
  "dispute-notice": {
    version: 1,
    component: DisputeNoticeEmail,
    subject: (props) => disputeNoticeSubject(props.outcome, props.amount),
  } satisfies TemplateDefinition<DisputeNoticeEmailProps>,
  "payment-action-required": {
    version: 1,
    component: PaymentActionRequiredEmail,
    subject: (props) => paymentActionRequiredSubject(props.planName),
  } satisfies TemplateDefinition<PaymentActionRequiredEmailProps>,
  "renewal-notice": {
    version: 1,
    component: RenewalNoticeEmail,
    subject: (props) => renewalNoticeSubject(props.renewsOn),
  } satisfies TemplateDefinition<RenewalNoticeEmailProps>,
};

export type TemplateName = keyof typeof templates;
export type TemplateProps = {
  "payment-confirmation": PaymentConfirmationEmailProps;
  "payment-failed": PaymentFailedEmailProps;
  "renewal-reminder": RenewalReminderEmailProps;
  "subscription-started": SubscriptionStartedEmailProps;
  "trial-ending": TrialEndingEmailProps;
  "renewal-receipt": RenewalReceiptEmailProps;
  "subscription-payment-failed": SubscriptionPaymentFailedEmailProps;
  "subscription-cancelled": SubscriptionCancelledEmailProps;
  refund: RefundEmailProps;
  "membership-conflict": MembershipConflictEmailProps;
  "dispute-notice": DisputeNoticeEmailProps;
  "payment-action-required": PaymentActionRequiredEmailProps;
  "renewal-notice": RenewalNoticeEmailProps;
};

export function templateVersion(name: TemplateName): number {
  return templates[name].version;
}

/** Thrown for a row whose template or props version this code does not know: never sendable. */
export class UnknownTemplateError extends Error {
  override name = "UnknownTemplateError";
}

/**
 * The text part of every email: the options render(..., { plainText: true }) uses, compiled once.
 * Compiling (building html-to-text's selector tree) cost more than converting an email.
 */
const toPlainText = compile({ wordwrap: false, selectors: plainTextSelectors });

async function renderElement<P extends object>(
  definition: TemplateDefinition<P>,
  props: P,
): Promise<RenderedEmail> {
  const html = await render(createElement(definition.component, props));
  // The text part comes from the rendered HTML, as render(..., { plainText: true }) makes it,
  // without rendering the React tree a second time.
  return { subject: definition.subject(props), html, text: toPlainText(html) };
}

/** Renders a stored template (name, version, JSON props) as the dispatcher does before sending. */
export async function renderStoredTemplate(
  name: string,
  version: number | null,
  propsJson: string | null,
): Promise<RenderedEmail> {
  if (!(name in templates)) throw new UnknownTemplateError(`Unknown email template ${name}`);
  const definition = templates[name as TemplateName] as TemplateDefinition<object>;
  if (version !== definition.version)
    throw new UnknownTemplateError(`Email template ${name} has no props version ${version}`);
  const props = JSON.parse(propsJson ?? "null") as unknown;
  if (typeof props !== "object" || props === null)
    throw new UnknownTemplateError(`Email template ${name}: props are not an object`);
  return renderElement(definition, props);
}

export async function renderPaymentConfirmation(
  props: PaymentConfirmationEmailProps,
): Promise<RenderedEmail> {
  return renderElement(templates["payment-confirmation"], props);
}

export async function renderPaymentFailed(props: PaymentFailedEmailProps): Promise<RenderedEmail> {
  return renderElement(templates["payment-failed"], props);
}
