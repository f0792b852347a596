import { render } from "@react-email/render";
import { createElement } from "react";
import PaymentConfirmationEmail, {
  paymentConfirmationSubject,
  type PaymentConfirmationEmailProps,
} from "../../emails/payment-confirmation";
import PaymentFailedEmail, { paymentFailedSubject, type PaymentFailedEmailProps } from "../../emails/payment-failed";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

// Rendering is async: callers render before they open a transaction, never inside one.
export async function renderPaymentConfirmation(props: PaymentConfirmationEmailProps): Promise<RenderedEmail> {
  const element = createElement(PaymentConfirmationEmail, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: paymentConfirmationSubject(props.planName), html, text };
}

export async function renderPaymentFailed(props: PaymentFailedEmailProps): Promise<RenderedEmail> {
  const element = createElement(PaymentFailedEmail, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: paymentFailedSubject(props.planName), html, text };
}
