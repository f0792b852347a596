import { render } from "@react-email/render";
import { createElement } from "react";
import RenewalReminderEmail, { renewalReminderSubject, type RenewalReminderEmailProps } from "../../emails/renewal-reminder";
import type { RenderedEmail } from "../email/templates.server";

// The one place a renewal reminder is rendered, so moving rendering to send time changes only this.
export async function renderRenewalReminder(props: RenewalReminderEmailProps): Promise<RenderedEmail> {
  const element = createElement(RenewalReminderEmail, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: renewalReminderSubject(props.kind, props.planName), html, text };
}
