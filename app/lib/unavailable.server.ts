import { isDatabaseUnavailable } from "../../db/dialect";

// While the database is down or locked by another process, a page answers a short 503 with
// Retry-After at once instead of an error page built from a loader that could not run (which
// may itself need the database) or a request hanging (decision 0019).

/** Seconds a client (or a load balancer) is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

const unavailable = new WeakSet<Request>();

/** Remix's handleError sees each loader or action error first: remember the requests the database failed. */
export function noteRequestError(error: unknown, request: Request): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  unavailable.add(request);
  return true;
}

export function failedOnDatabase(request: Request): boolean {
  return unavailable.has(request);
}

export function serviceUnavailablePage(): Response {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unavailable</title>' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>' +
    "<h1>Back in a moment</h1><p>The service is briefly unavailable. Please try again in a few seconds.</p>" +
    "</body></html>";
  return new Response(html, {
    status: 503,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Retry-After": String(RETRY_AFTER_SECONDS),
      "Cache-Control": "no-store",
    },
  });
}
