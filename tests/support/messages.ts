import { translator } from "../../app/i18n/i18next.server";
import { translateMessage, type Message } from "../../app/i18n/messages";

const englishText = translator("en");
/** A message an action answered with (a catalog key and its values), as an English page shows it. */
export function english(message: Message | null | undefined): string {
  return translateMessage(englishText, message);
}

const frenchText = translator("fr");
/** The same message as a French page shows it. */
export function french(message: Message | null | undefined): string {
  return translateMessage(frenchText, message);
}
