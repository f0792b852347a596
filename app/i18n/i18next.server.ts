import { createCookie } from "@remix-run/node";
import type { Cookie } from "@remix-run/node";
import { createInstance } from "i18next";
import type { i18n as I18n, TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { db } from "../lib/db.server";
import { env } from "../lib/env.server";
import { getSessionUser, SESSION_COOKIE_NAME } from "../lib/session.server";
import { log } from "../observability/log.server";
import type { Language, Namespace } from "./config";
import { DEFAULT_LANGUAGE, i18nOptions, LANGUAGES, NAMESPACES, parseLanguage } from "./config";
import { addFormatters } from "./format";
import { memoizeTranslations } from "./translation-memo.server";
import { resources } from "./resources.server";

export const LANGUAGE_COOKIE_NAME = "lng";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

let cookie: Cookie | undefined;

/** The visitor's choice from the switcher. Not signed: it only picks one of two languages. */
export function languageCookie(): Cookie {
  cookie ??= createCookie(LANGUAGE_COOKIE_NAME, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().appUrl.startsWith("https:"),
    path: "/",
    maxAge: ONE_YEAR_SECONDS,
  });
  return cookie;
}

/** The signed-in member's saved language, read only when the request carries a session. */
async function accountLanguage(request: Request): Promise<Language | null> {
  if (!request.headers.get("Cookie")?.includes(`${SESSION_COOKIE_NAME}=`)) return null;
  const user = await getSessionUser(db(), request);
  return parseLanguage(user?.locale);
}

/**
 * The first language of Accept-Language, by preference, that the app speaks: "de, en;q=0.5"
 * is English. Malformed entries are skipped; a weight of 0 means "not this one".
 */
export function acceptedLanguage(header: string | null): Language | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 500)
    .split(",")
    .map((entry, index) => {
      const [tag = "", ...params] = entry.trim().split(";");
      const q = params
        .map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1])
        .find(Boolean);
      return { language: parseLanguage(tag), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.language !== null && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.language ?? null;
}

/** After the switcher's cookie: the account's saved choice, then the browser's languages. */
async function memberOrBrowserLanguage(request: Request): Promise<Language | null> {
  return (
    (await accountLanguage(request)) ?? acceptedLanguage(request.headers.get("Accept-Language"))
  );
}

let detector: RemixI18Next | undefined;

function remixI18next(): RemixI18Next {
  detector ??= new RemixI18Next({
    detection: {
      supportedLanguages: [...LANGUAGES],
      fallbackLanguage: DEFAULT_LANGUAGE,
      cookie: languageCookie(),
      findLocale: memberOrBrowserLanguage,
      // A link's ?lng= (emails keep their language in their links), the choice made with the
      // switcher in this browser, then the member's saved choice, then the browser's
      // languages, then French (decision 0022). remix-i18next's own header detection looks at
      // the first language only, so the custom step reads the header.
      searchParamKey: "lng",
      order: ["searchParams", "cookie", "custom"],
    },
  });
  return detector;
}

/** The language to answer `request` in: always one the app speaks, never an error. */
export async function getLanguage(request: Request): Promise<Language> {
  try {
    return parseLanguage(await remixI18next().getLocale(request)) ?? DEFAULT_LANGUAGE;
  } catch {
    // A cookie or header the parser chokes on is no reason to refuse the page.
    return DEFAULT_LANGUAGE;
  }
}

const instances = new Map<string, I18n>();

/**
 * An i18next instance in `language` holding only `namespaces` (and common): the catalogs the
 * browser will load for the same page, so a key from a namespace the route did not declare
 * shows as a raw key on the server too, where tests see it. Instances are made once per
 * language and namespace set and shared: making one costs about 1 ms, and nothing changes the
 * language of an instance on the server (React effects do not run there).
 */
export function i18nFor(language: Language, namespaces: readonly string[] = NAMESPACES): I18n {
  const wanted = NAMESPACES.filter((ns) => ns === "common" || namespaces.includes(ns));
  const key = `${language}:${wanted.join(",")}`;
  let instance = instances.get(key);
  if (!instance) {
    instance = createInstance();
    // Resources are given inline and initImmediate is off, so init finishes synchronously.
    void instance.init({
      ...i18nOptions,
      resources: {
        [language]: Object.fromEntries(wanted.map((ns) => [ns, resources[language][ns]])),
      },
      ns: wanted,
      lng: language,
      initImmediate: false,
      // A key with no text in this page's catalogs shows raw; say so in the log, where the
      // every-route test (tests/i18n/every-route.test.ts) and production's logs see it.
      saveMissing: true,
      missingKeyHandler: (_languages, namespace, key) => {
        memo.missed();
        log.warn({ language, namespace, key }, "i18n missing key");
      },
    });
    addFormatters(instance);
    const memo = memoizeTranslations(instance);
    instances.set(key, instance);
  }
  return instance;
}

/** A translate function fixed to `language`, over every namespace (emails, server texts). */
export function translator(language: Language): TFunction {
  return i18nFor(language).getFixedT(language);
}

export type { Namespace };
