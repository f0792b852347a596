import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { User } from "../../db/schema";
import { LanguageSwitcher } from "./language-switcher";

interface Props {
  /** the signed-in user; null when signed out; undefined when unknown (the error page) */
  user: Pick<User, "name" | "role"> | null | undefined;
}

/**
 * The site's header. On a phone it wraps: the brand and Log out on the first line, the links
 * on the second, the member's name left out (CSS only, so it works before JavaScript loads).
 */
export function SiteHeader({ user }: Props) {
  const { t } = useTranslation("common");
  return (
    <header className="site-header">
      <Link to="/" className="brand">
        {t("common:brand")}
      </Link>
      <nav aria-label={t("common:nav.account")}>
        {user ? (
          <>
            <span className="muted header-name">{user.name}</span>
            <Link to="/talents">{t("common:nav.talents")}</Link>
            <Link to={`/dashboard/${user.role}`}>{t("common:nav.dashboard")}</Link>
            <Form method="post" action="/logout">
              <button type="submit" className="button secondary">
                {t("common:nav.logout")}
              </button>
            </Form>
          </>
        ) : user === undefined ? (
          <Link to="/talents">{t("common:nav.talents")}</Link>
        ) : (
          <>
            <Link to="/login">{t("common:nav.login")}</Link>
            <Link to="/register">{t("common:nav.register")}</Link>
          </>
        )}
        <LanguageSwitcher />
      </nav>
    </header>
  );
}
