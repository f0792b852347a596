import { remember } from "@epic-web/remember";
import pino, { type Logger } from "pino";

// The app's own logs: one JSON object a line (pino), with level, time and message, and the
// request id when there is one. Human-readable through pino-pretty when `npm run dev` runs in a
// terminal. Never a secret, a card number, a password or a session id; member emails masked
// (decision 0020). @remix-run/serve's access lines (morgan) are printed beside them unchanged.

/** Keys whose values are never written, wherever they appear in a logged object (two levels). */
const SECRET_KEYS = [
  "password",
  "newPassword",
  "password_hash",
  "secret",
  "token",
  "authorization",
  "cookie",
  "sessionId",
  "session_id",
  "cardNumber",
  "cvc",
  "apiKey",
];

const pretty = process.env.NODE_ENV === "development" && process.stdout.isTTY === true;

export const log: Logger = remember("logger", () =>
  pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
      censor: "[redacted]",
    },
    serializers: { email: maskEmail, err: pino.stdSerializers.err },
    // pino-pretty is a development dependency: only named here, loaded by pino's transport.
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  }),
);

/** a***@example.com: enough to tell members apart in a log, not to read their address. */
export function maskEmail(email: unknown): string {
  if (typeof email !== "string") return "[not an email]";
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** The request id the HTTP layer stamped on the request (app/observability/http.server.ts). */
export const REQUEST_ID_HEADER = "x-request-id";

/** A child logger carrying the request's id. */
export function requestLog(request: Request): Logger {
  const requestId = request.headers.get(REQUEST_ID_HEADER);
  return requestId ? log.child({ requestId }) : log;
}
