import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface PostResult {
  statusCode: number | null;
  body: string | null;
  error: string | null;
}

const MAX_RESPONSE_CHARS = 2000;

/**
 * One POST without keep-alive (receivers in tests close between runs), bounded by a timeout
 * and an abort signal used when the stand-in shuts down. Never rejects.
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ statusCode: null, body: null, error: `Invalid URL: ${url}` });
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, {
      method: "POST",
      agent: false,
      headers: {
        ...headers,
        "Content-Length": String(Buffer.byteLength(body)),
        Connection: "close",
      },
      signal,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ statusCode: null, body: null, error: `Timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        if (text.length < MAX_RESPONSE_CHARS) text += chunk;
      });
      res.on("end", () =>
        finish({
          statusCode: res.statusCode ?? null,
          body: text.slice(0, MAX_RESPONSE_CHARS),
          error: null,
        }),
      );
      res.on("error", (error) =>
        finish({ statusCode: res.statusCode ?? null, body: text, error: error.message }),
      );
    });
    req.on("error", (error) => finish({ statusCode: null, body: null, error: error.message }));
    req.end(body);
  });
}
