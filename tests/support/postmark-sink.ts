import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { postmarkTransport, type EmailTransport } from "../../app/email/transport.server";

export interface SinkRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

export interface SinkAnswer {
  status: number;
  errorCode: number;
  message: string;
}

export interface PostmarkSink {
  url: string;
  requests: SinkRequest[];
  /** status codes to answer next, in order; afterwards 200 */
  failNext(...statuses: number[]): void;
  /** exact answers to give next, in order (Postmark's ErrorCode and Message in the body) */
  answerNext(...answers: SinkAnswer[]): void;
  close(): Promise<void>;
}

/** A local stand-in for Postmark's /email endpoint, for the real postmark client. */
export async function startPostmarkSink(): Promise<PostmarkSink> {
  const requests: SinkRequest[] = [];
  const queued: SinkAnswer[] = [];
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      });
      const answer = queued.shift() ?? { status: 200, errorCode: 0, message: "OK" };
      res.setHeader("Content-Type", "application/json");
      if (answer.status === 200 && answer.errorCode === 0) {
        counter += 1;
        const body = requests.at(-1)?.body ?? {};
        res.end(
          JSON.stringify({
            To: body.To,
            SubmittedAt: new Date().toISOString(),
            MessageID: `pm-msg-${counter}`,
            ErrorCode: 0,
            Message: "OK",
          }),
        );
      } else {
        res.statusCode = answer.status;
        res.end(JSON.stringify({ ErrorCode: answer.errorCode, Message: answer.message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...statuses) =>
      queued.push(
        ...statuses.map((status) => ({
          status,
          errorCode: 100,
          message: "Internal server error (sink)",
        })),
      ),
    answerNext: (...answers) => queued.push(...answers),
    close: () =>
      new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The app's real Postmark transport (the `postmark` client) pointed at `apiBase`, a sink's url in most tests. */
export function postmarkTransportTo(
  apiBase: string,
  from = "no-reply@example.test",
): EmailTransport {
  return postmarkTransport({
    serverToken: "server-token-test",
    apiBase,
    from,
    messageStream: "outbound",
  });
}
