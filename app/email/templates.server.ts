import { plainTextSelectors, render } from "@react-email/render";
import { compile } from "html-to-text";
import type { TFunction } from "i18next";
import { createElement, type ComponentType } from "react";
import { I18nextProvider } from "react-i18next";
import type { Language } from "../i18n/config";
import { DEFAULT_LANGUAGE } from "../i18n/config";
import { i18nFor } from "../i18n/i18next.server";
import { env } from "../lib/env.server";
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
  /** the version new rows are queued with */
  version: number;
  /** older versions this code still renders (their props fit the same component) */
  alsoRenders?: number[];
  component: ComponentType<P>;
  subject(props: P, t: TFunction, language: Language): string;
}

// Version 2 of every template carries plan ids, amounts in minor units and ISO dates, written
// in the recipient's language when sent; version 1 rows hold English words, shown as they are.

const templates = {
  "payment-confirmation": {
    version: 2,
    alsoRenders: [1],
    component: PaymentConfirmationEmail,
    subject: (props, t) => paymentConfirmationSubject(t, props),
  } satisfies TemplateDefinition<PaymentConfirmationEmailProps>,
  "payment-failed": {
    version: 2,
    alsoRenders: [1],
    component: PaymentFailedEmail,
    subject: (props, t) => paymentFailedSubject(t, props),
  } satisfies TemplateDefinition<PaymentFailedEmailProps>,
  "renewal-reminder": {
    version: 2,
    alsoRenders: [1],
    component: RenewalReminderEmail,
    subject: (props, t) => renewalReminderSubject(t, props),
  } satisfies TemplateDefinition<RenewalReminderEmailProps>,
  // Auto-renewing plans (app/billing/emails.server.ts queues them).
  "subscription-started": {
    version: 2,
    alsoRenders: [1],
    component: SubscriptionStartedEmail,
    subject: (props, t) => subscriptionStartedSubject(t, props),
  } satisfies TemplateDefinition<SubscriptionStartedEmailProps>,
  "trial-ending": {
    version: 2,
    alsoRenders: [1],
    component: TrialEndingEmail,
    subject: (props, t, language) => trialEndingSubject(t, props, language),
  } satisfies TemplateDefinition<TrialEndingEmailProps>,
  "renewal-receipt": {
    version: 2,
    alsoRenders: [1],
    component: RenewalReceiptEmail,
    subject: (props, t) => renewalReceiptSubject(t, props),
  } satisfies TemplateDefinition<RenewalReceiptEmailProps>,
  "subscription-payment-failed": {
    version: 2,
    alsoRenders: [1],
    component: SubscriptionPaymentFailedEmail,
    subject: (props, t) => subscriptionPaymentFailedSubject(t, props),
  } satisfies TemplateDefinition<SubscriptionPaymentFailedEmailProps>,
  "subscription-cancelled": {
    version: 2,
    alsoRenders: [1],
    component: SubscriptionCancelledEmail,
    subject: (props, t) => subscriptionCancelledSubject(t, props),
  } satisfies TemplateDefinition<SubscriptionCancelledEmailProps>,
  // Refunds, disputes, one membership, renewals (decision 17).
  refund: {
    version: 2,
    alsoRenders: [1],
    component: RefundEmail,
    subject: (_props, t) => refundSubject(t),
  } satisfies TemplateDefinition<RefundEmailProps>,
  "membership-conflict": {
    version: 2,
    alsoRenders: [1],
    component: MembershipConflictEmail,
    subject: (_props, t) => membershipConflictSubject(t),
  } satisfies TemplateDefinition<MembershipConflictEmailProps>,
  "dispute-notice": {
    version: 2,
    alsoRenders: [1],
    component: DisputeNoticeEmail,
    subject: (props, t, language) => disputeNoticeSubject(t, props, language),
  } satisfies TemplateDefinition<DisputeNoticeEmailProps>,
  "payment-action-required": {
    version: 2,
    alsoRenders: [1],
    component: PaymentActionRequiredEmail,
    subject: (props, t) => paymentActionRequiredSubject(t, props),
  } satisfies TemplateDefinition<PaymentActionRequiredEmailProps>,
  "renewal-notice": {
    version: 2,
    alsoRenders: [1],
    component: RenewalNoticeEmail,
    subject: (props, t, language) => renewalNoticeSubject(t, props, language),
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

/**
 * Links to the app keep the recipient's language (`?lng=`), so the page an email opens is in
 * the email's language even in a browser that never chose one.
 */
function withLanguageLinks<P extends object>(props: P, language: Language): P {
  const appOrigin = new URL(env().appUrl).origin;
  const out = { ...props } as Record<string, unknown>;
  for (const [key, value] of Object.entries(out)) {
    if (!key.endsWith("Url") || typeof value !== "string") continue;
    try {
      const url = new URL(value);
      if (url.origin !== appOrigin) continue;
      url.searchParams.set("lng", language);
      out[key] = url.toString();
    } catch {
      // not a URL: left as it is
    }
  }
  return out as P;
}

async function renderElement<P extends object>(
  definition: TemplateDefinition<P>,
  props: P,
  language: Language,
): Promise<RenderedEmail> {
  const i18n = i18nFor(language);
  const linked = withLanguageLinks(props, language);
  const html = await render(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(definition.component as ComponentType<object>, linked),
    ),
  );
  // The text part comes from the rendered HTML, as render(..., { plainText: true }) makes it,
  // without rendering the React tree a second time.
  return {
    subject: definition.subject(linked, i18n.getFixedT(language), language),
    html,
    text: toPlainText(html),
  };
}

/**
 * Renders a stored template (name, version, JSON props) as the dispatcher does before sending,
 * in the recipient's language.
 */
export async function renderStoredTemplate(
  name: string,
  version: number | null,
  propsJson: string | null,
  language: Language = DEFAULT_LANGUAGE,
): Promise<RenderedEmail> {
  if (!(name in templates)) throw new UnknownTemplateError(`Unknown email template ${name}`);
  const definition = templates[name as TemplateName] as TemplateDefinition<object>;
  if (
    version === null ||
    (version !== definition.version && !(definition.alsoRenders ?? []).includes(version))
  )
    throw new UnknownTemplateError(`Email template ${name} has no props version ${version}`);
  const props = JSON.parse(propsJson ?? "null") as unknown;
  if (typeof props !== "object" || props === null)
    throw new UnknownTemplateError(`Email template ${name}: props are not an object`);
  return renderElement(definition, props, language);
}
