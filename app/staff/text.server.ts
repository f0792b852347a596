import { resources } from "../i18n/resources.server";
import type { StaffKey } from "./text";

/**
 * The English text of a staff key, for messages an action answers with (the console's staff
 * read English; the pages themselves follow the chosen language).
 */
export function st(key: StaffKey, vars: Record<string, string | number> = {}): string {
  let node: unknown = resources.en.staff;
  for (const part of key.slice("staff:".length).split("."))
    node = (node as Record<string, unknown>)[part];
  const text = typeof node === "string" ? node : key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ""));
}
