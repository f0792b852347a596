import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { RouteFocus } from "./components/route-focus";
import { SiteHeader } from "./components/site-header";
import { DEFAULT_LANGUAGE, parseLanguage } from "./i18n/config";
import type { RouteHandle } from "./i18n/handle";
import { isRouteHandle } from "./i18n/handle";
import { getLanguage } from "./i18n/i18next.server";
import { translateMessage } from "./i18n/messages";
import { env } from "./lib/env.server";
import { useNonce } from "./lib/nonce";
import stylesHref from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const handle: RouteHandle = { i18n: ["common"] };

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: await getLanguage(request), testMode: env().showTestModeBanner };
}

/** On a public deployment with a Stripe test key (staging): no page may pass for the real site. */
function TestModeBanner() {
  const { t } = useTranslation("common");
  return (
    <p className="test-mode-banner" role="note">
      {t("common:testMode.banner")}
    </p>
  );
}

/**
 * The deepest route's title (handle.title), written in the page's language. Routes without one
 * keep their `meta` title.
 */
function DocumentTitle() {
  const { t } = useTranslation("common");
  const matches = useMatches();
  const error = useRouteError();
  if (error) {
    const words = errorWords(isRouteErrorResponse(error) ? error.status : 500);
    return <title>{`${t(words.title)} | ${t("common:brand")}`}</title>;
  }
  for (let i = matches.length - 1; i >= 0; i--) {
    const match = matches[i]!;
    if (isRouteHandle(match.handle) && match.handle.title) {
      return <title>{`${match.handle.title(t, match.data)} | ${t("common:brand")}`}</title>;
    }
  }
  return null;
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  const { t, i18n } = useTranslation("common");
  // No root data on an error page (a 404 runs no loader): keep the language the page was
  // rendered in rather than switching to the default while hydrating.
  const locale = parseLanguage(data?.locale) ?? parseLanguage(i18n.language) ?? DEFAULT_LANGUAGE;
  useChangeLanguage(locale);
  return (
    <html lang={locale} dir={i18n.dir(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <DocumentTitle />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t("common:skipLink")}
        </a>
        {data?.testMode ? <TestModeBanner /> : null}
        {children}
        <RouteFocus />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** The error page's title and words for a status: never Remix's own "No route matches". */
function errorWords(status: number): { title: string; detail: string } {
  if (status === 404)
    return { title: "common:error.notFound.title", detail: "common:error.notFound.detail" };
  if (status === 403)
    return { title: "common:error.forbidden.title", detail: "common:error.forbidden.detail" };
  if (status < 500) return { title: "common:error.bad.title", detail: "common:error.bad.detail" };
  return { title: "common:error.title", detail: "common:error.detail" };
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("common");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const words = errorWords(status);
  // A thrown Response's own text (a catalog key, or words) is meant for the member; Remix's "Error: No route matches" is not.
  const ownText =
    isRouteErrorResponse(error) &&
    status !== 404 &&
    typeof error.data === "string" &&
    error.data.length > 0 &&
    !error.data.startsWith("Error: ")
      ? translateMessage(t, error.data)
      : null;
  return (
    <>
      <SiteHeader user={undefined} />
      <main id="main" className="page narrow">
        <h1>{t(words.title)}</h1>
        <p>{ownText ?? t(words.detail)}</p>
        <p className="actions">
          <a href="/" className="button">
            {t("common:error.home")}
          </a>
        </p>
      </main>
    </>
  );
}
