import type { ServerResponse } from "node:http";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(
    res,
    status,
    typeof body === "string" ? body : JSON.stringify(body, null, 2),
    "application/json",
    headers,
  );
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...headers,
    "Content-Type": `${contentType}; charset=utf-8`,
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-cache, no-store",
  });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendText(res, status, html, "text/html");
}

/** 303 so a POSTed form is followed by a GET, which is what browsers and fetch expect. */
export function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent) return;
  res.writeHead(303, {
    Location: location,
    "Content-Length": "0",
    "Cache-Control": "no-cache, no-store",
  });
  res.end();
}
