import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGE_NAMES, LANGUAGES, parseLanguage } from "../i18n/config";

/**
 * One button per language, posting to /language with the page to come back to. A plain form
 * that reloads the document, so it works the same with or without JavaScript and the new page
 * (its <html lang>, its catalogs) comes whole from the server.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation("common");
  const location = useLocation();
  const current = parseLanguage(i18n.language);
  return (
    <Form
      method="post"
      action="/language"
      reloadDocument
      className="language-switcher"
      aria-label={t("common:language.label")}
    >
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="submit"
          name="lng"
          value={language}
          lang={language}
          className="link-button"
          aria-current={language === current ? "true" : undefined}
        >
          {LANGUAGE_NAMES[language]}
        </button>
      ))}
    </Form>
  );
}
