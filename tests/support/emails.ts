import {
  renderStoredTemplate,
  templateVersion,
  type RenderedEmail,
  type TemplateName,
  type TemplateProps,
} from "../../app/email/templates.server";
import type { Language } from "../../app/i18n/config";

/** Renders a template from its props the way the dispatcher renders a queued outbox row. */
export function renderAsDispatched<N extends TemplateName>(
  name: N,
  props: TemplateProps[N],
  language: Language,
): Promise<RenderedEmail> {
  return renderStoredTemplate(name, templateVersion(name), JSON.stringify(props), language);
}
