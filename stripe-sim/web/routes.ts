import type { IncomingMessage, ServerResponse } from "node:http";
import type { SimContext } from "../api/context.js";
import { errorEnvelope } from "../http/errors.js";
import { sendHtml, sendJson } from "../http/respond.js";
import { handleCheckoutPage } from "./checkout-routes.js";
import type { SimControls } from "./controls.js";
import { renderDashboard } from "./dashboard-page.js";
import { handleSimRoute } from "./sim-routes.js";
import { handlePortal, isPortalPath } from "./portal-routes.js";
import { handleInvoicePages } from "./invoice-pages.js";

/** Everything outside /v1: the hosted checkout page, the dashboard and the /_sim controls. */
export async function handleWeb(
  ctx: SimContext,
  controls: SimControls,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? "GET";
  const path = url.pathname;
  const checkout = /^\/c\/pay\/([^/]+?)(\/authenticate)?\/?$/.exec(path);
  if (checkout && (method === "GET" || method === "POST")) {
    await handleCheckoutPage(
      ctx,
      req,
      res,
      url,
      checkout[1] ?? "",
      checkout[2] ? "authenticate" : "pay",
    );
    return;
  }
  if (
    (path.startsWith("/i/") || path.startsWith("/receipts/")) &&
    (await handleInvoicePages(ctx, req, res, path))
  )
    return;
  if (isPortalPath(path) && (method === "GET" || method === "POST")) {
    await handlePortal(ctx, req, res, url);
    return;
  }
  if ((path === "/" || path === "/_sim" || path === "/_sim/") && method === "GET") {
    sendHtml(res, 200, renderDashboard(ctx, controls));
    return;
  }
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (path.startsWith("/_sim/") && (await handleSimRoute(ctx, controls, req, res, path))) return;
  sendJson(
    res,
    404,
    errorEnvelope({
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    }),
  );
}
