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
import { DEFAULT_LANGUAGE, parseLanguage } from "./i18n/config";
import type { RouteHandle } from "./i18n/handle";
import { isRouteHandle } from "./i18n/handle";
import { getLanguage } from "./i18n/i18next.server";
import { useNonce } from "./lib/nonce";
import stylesHref from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const handle: RouteHandle = { i18n: ["common"] };

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: await getLanguage(request) };
}

/**
 * The deepest route's title (handle.title), written in the page's language. Routes without one
 * keep their `meta` title.
 */
function DocumentTitle() {
  const { t } = useTranslation("common");
  const matches = useMatches();
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
  const locale = parseLanguage(data?.locale) ?? DEFAULT_LANGUAGE;
  const { i18n } = useTranslation();
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
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("common");
  const title = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : t("common:error.title");
  const detail =
    isRouteErrorResponse(error) && typeof error.data === "string"
      ? error.data
      : t("common:error.detail");
  return (
    <main className="page narrow">
      <h1>{title}</h1>
      <p>{detail}</p>
      <p>
        <a href="/">{t("common:error.home")}</a>
      </p>
    </main>
  );
}
