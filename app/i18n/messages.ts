import type { TFunction } from "i18next";
import { NAMESPACES } from "./config";

/**
 * A message the server hands to a page (a form or field error): a catalog key such as
 * "auth:errors.invalidLogin", or a key with the values it interpolates. The page translates
 * it, so the server never has to know the reader's language to answer a form.
 */
export type Message = string | { key: string; values?: Record<string, string | number> };

const KEY = new RegExp(`^(${NAMESPACES.join("|")}):[A-Za-z0-9_.]+$`);

/** True when `text` is written as a catalog key rather than as words. */
export function isMessageKey(text: string): boolean {
  return KEY.test(text);
}

/** The message in the page's language; text that is not a key is shown as it is. */
export function translateMessage(t: TFunction, message: Message | null | undefined): string {
  if (message === null || message === undefined) return "";
  if (typeof message === "string") return isMessageKey(message) ? t(message) : message;
  return isMessageKey(message.key) ? t(message.key, message.values ?? {}) : message.key;
}
