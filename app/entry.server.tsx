import { PassThrough } from "node:stream";
import type { EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
// The build's own route table, read lazily (this module is part of that build).
import * as serverBuild from "virtual:remix/server-build";
import { parseLanguage } from "./i18n/config";
import { isRouteHandle } from "./i18n/handle";
import { getLanguage, i18nFor } from "./i18n/i18next.server";
import { startBackground, stopBackground } from "./lib/background.server";
import { installClientAddressHeader } from "./lib/client-address.server";
import { NonceProvider } from "./lib/nonce";
import { installGracefulShutdown } from "./lib/shutdown.server";
import { installHttpInstrumentation } from "./observability/http.server";
import { requestLog } from "./observability/log.server";
import { applySecurityHeaders, createNonce } from "./lib/security-headers.server";
import {
  failedOnDatabase,
  noteRequestError,
  RETRY_AFTER_SECONDS,
  serviceUnavailablePage,
} from "./lib/unavailable.server";
import { errorNameAndMessage } from "./lib/errors";

export const streamTimeout = 5_000;

// The server process owns every background loop (lib/background.server.ts); started once on import.
startBackground();
installGracefulShutdown(stopBackground);
installClientAddressHeader();
// HTTP_METRICS=off leaves out the request ids and durations at the HTTP layer; only the bench
// sets it, to print what that instrumentation costs a request.
if (process.env.HTTP_METRICS !== "off") installHttpInstrumentation(() => serverBuild.routes);

/** The language the root loader chose; detected again only when it did not run (an error). */
async function documentLanguage(request: Request, remixContext: EntryContext) {
  const root: unknown = remixContext.staticHandlerContext.loaderData.root;
  const chosen =
    typeof root === "object" && root !== null ? (root as { locale?: unknown }).locale : null;
  return parseLanguage(chosen) ?? (await getLanguage(request));
}

/** The namespaces the matched routes declare: what the browser loads for this page. */
function pageNamespaces(remixContext: EntryContext): string[] {
  return remixContext.staticHandlerContext.matches.flatMap(({ route }) => {
    const handle: unknown = remixContext.routeModules[route.id]?.handle;
    return isRouteHandle(handle) ? handle.i18n : [];
  });
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  // A loader or action found the database down or locked: a short 503, not an error page.
  if (failedOnDatabase(request)) return serviceUnavailablePage();
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const nonce = createNonce();
  const i18n = i18nFor(await documentLanguage(request, remixContext), pageNamespaces(remixContext));
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    // Abort a render still streaming after streamTimeout; cleared once the document is complete,
    // so a finished render is not kept alive (with its request) until the timer fires.
    const abortTimer = setTimeout(() => abort(), streamTimeout + 1_000);
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18n}>
        <NonceProvider value={nonce}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </NonceProvider>
      </I18nextProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          body.on("close", () => clearTimeout(abortTimer));
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          applySecurityHeaders(responseHeaders, request, nonce);
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) requestLog(request).error({ err: error }, "Rendering failed");
        },
      },
    );
  });
}

/** Single-fetch data answers (client navigations, form posts with JavaScript) get the same headers. */
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  applySecurityHeaders(response.headers, request);
  if (failedOnDatabase(request)) response.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  return response;
};

/**
 * Remix's own check of POSTs (Origin against Host) throws before any action runs and answers
 * 500; under @remix-run/serve that answer stays, but it is another site's request, not our
 * fault: one line, no stack, so monitoring is not flooded.
 */
const REMIX_ORIGIN_CHECK =
  /header does not match `origin` header|headers are not provided\. One of these/;

function crossSiteLine(request: Request): string {
  const clip = (value: string | null) => JSON.stringify((value ?? "").slice(0, 200));
  return `Refused cross-site ${request.method.slice(0, 10)} ${new URL(request.url).pathname.slice(0, 200)}: Origin ${clip(request.headers.get("origin"))} does not match Host ${clip(request.headers.get("host"))}`;
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  // A client that went away aborts its loaders: nothing to report.
  if (request.signal.aborted) return;
  if (error instanceof Error && REMIX_ORIGIN_CHECK.test(error.message)) {
    console.warn(crossSiteLine(request));
    return;
  }
  const path = new URL(request.url).pathname;
  if (noteRequestError(error, request)) {
    requestLog(request).warn(
      { method: request.method, path, error: errorNameAndMessage(error) },
      "Database unavailable: answered 503",
    );
    return;
  }
  requestLog(request).error({ method: request.method, path, err: error }, "Request failed");
};
