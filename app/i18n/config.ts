import type { InitOptions } from "i18next";

/**
 * The languages the app speaks. French first: it is the default when a visitor has not chosen
 * and the browser asks for neither (decision 0022).
 */
export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "fr";

/**
 * One catalog file per area (app/locales/<language>/<namespace>.json), so people working on
 * different areas edit different files. A page ships only the namespaces its route names in
 * `handle.i18n` (plus common).
 */
export const NAMESPACES = [
  "common",
  "auth",
  "payment",
  "billing",
  "dashboard",
  "talents",
  "emails",
  "staff",
] as const;
export type Namespace = (typeof NAMESPACES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * A stored or submitted language code as one the app speaks: "fr-MA" is French, "EN" English;
 * anything else (unknown, empty, too long) is null, for the caller to fall back from silently.
 */
export function parseLanguage(value: unknown): Language | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 35) return null;
  const primary = value.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(primary) ? primary : null;
}

/** The language's own name, for the switcher (never translated). */
export const LANGUAGE_NAMES: Record<Language, string> = { fr: "Fran\u00e7ais", en: "English" };

/** Options shared by the server's and the browser's i18next instances. */
export const i18nOptions = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: false,
  defaultNS: "common",
  fallbackNS: false,
  load: "currentOnly",
  // React escapes what it renders; emails are React too.
  interpolation: { escapeValue: false },
  returnNull: false,
  // Every key is "namespace:path.to.text". Saying so skips i18next's test, on every call, of
  // whether a key is a sentence written in natural language.
  nsSeparator: ":",
  keySeparator: ".",
} satisfies InitOptions;
