import { TEST_APP_URL } from "./app";

export interface Outcome<T = unknown> {
  status: number;
  headers: Headers;
  /** the loader/action data, or null when it answered a Response */
  data: T | null;
  response: Response | null;
}

function isDataWithInit(
  value: unknown,
): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "DataWithResponseInit"
  );
}

/**
 * Runs a loader or action and answers status, headers and data whether it returned a Response,
 * a data() value or a plain object, or threw a Response.
 */
export async function run<T = Record<string, unknown>>(
  fn: () => Promise<unknown> | unknown,
): Promise<Outcome<T>> {
  let result: unknown;
  try {
    result = await fn();
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response)
    return { status: result.status, headers: result.headers, data: null, response: result };
  if (isDataWithInit(result)) {
    return {
      status: result.init?.status ?? 200,
      headers: new Headers(result.init?.headers),
      data: result.data as T,
      response: null,
    };
  }
  return { status: 200, headers: new Headers(), data: result as T, response: null };
}

/**
 * The pages answer in the reader's language, French by default (decision 0022). Requests made
 * here say Accept-Language: en, as an English browser would, so tests read English words;
 * tests of the language itself (tests/i18n) set their own headers or ?lng=.
 */
export const TEST_LANGUAGE_HEADER = { "Accept-Language": "en" };

export function getRequest(path: string, cookie?: string): Request {
  return new Request(`${TEST_APP_URL}${path}`, {
    headers: { ...TEST_LANGUAGE_HEADER, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

export function formRequest(
  path: string,
  fields: Record<string, string>,
  cookie?: string,
): Request {
  const headers = new Headers({
    "Content-Type": "application/x-www-form-urlencoded",
    ...TEST_LANGUAGE_HEADER,
  });
  if (cookie) headers.set("Cookie", cookie);
  return new Request(`${TEST_APP_URL}${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(fields),
  });
}

/** Loader/action arguments as Remix passes them. */
export const args = (request: Request, params: Record<string, string> = {}) => ({
  request,
  params,
  context: {},
});
