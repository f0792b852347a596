import { RemixBrowser } from "@remix-run/react";
import i18next from "i18next";
import type { BackendModule } from "i18next";
import { StrictMode, startTransition } from "react";
import { hydrateRoot } from "react-dom/client";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { getInitialNamespaces } from "remix-i18next/client";
import { DEFAULT_LANGUAGE, i18nOptions, parseLanguage } from "./i18n/config";
import { addFormatters } from "./i18n/format";
import { errorMessage } from "./lib/errors";

// Each catalog is its own small chunk: the browser fetches only the namespaces of the pages it
// shows, in the page's language.
const catalogs = import.meta.glob<Record<string, unknown>>("./locales/*/*.json", {
  import: "default",
});

const lazyCatalogs: BackendModule = {
  type: "backend",
  init() {},
  read(language, namespace, callback) {
    const load = catalogs[`./locales/${language}/${namespace}.json`];
    if (!load) return callback(null, {});
    load().then(
      (catalog) => callback(null, catalog),
      (error: unknown) => callback(errorMessage(error), null),
    );
  },
};

async function hydrate() {
  await i18next
    .use(initReactI18next)
    .use(lazyCatalogs)
    .init({
      ...i18nOptions,
      // The server rendered the page in this language and wrote it on <html lang>.
      lng: parseLanguage(document.documentElement.lang) ?? DEFAULT_LANGUAGE,
      ns: ["common", ...getInitialNamespaces()],
    });
  addFormatters(i18next);
  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    );
  });
}

void hydrate();
