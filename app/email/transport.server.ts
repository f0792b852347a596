import { ServerClient } from "postmark";
import { isLoopbackClient } from "../lib/client-address.server";
import { env, isLoopbackHost } from "../lib/env.server";

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  tag?: string;
}

/** Delivers one message; resolves with the provider's message id or throws. */
export interface EmailTransport {
  readonly name: string;
  send(message: EmailMessage, outboxId: number): Promise<string>;
}

export const DEV_MAILBOX_PREFIX = "dev-mailbox:";

/**
 * Without a Postmark token (the embedded default) messages stay in the outbox table, marked
 * delivered with a `dev-mailbox:` id; /dev/mailbox shows them.
 */
export const devMailboxTransport: EmailTransport = {
  name: "dev-mailbox",
  async send(_message, outboxId) {
    return `${DEV_MAILBOX_PREFIX}${outboxId}`;
  },
};

export function postmarkTransport(options: {
  serverToken: string;
  apiBase?: string;
  from: string;
  messageStream: string;
}): EmailTransport {
  const base = options.apiBase ? new URL(options.apiBase) : null;
  const client = new ServerClient(options.serverToken, {
    ...(base ? { requestHost: base.host, useHttps: base.protocol === "https:" } : {}),
    // seconds; the dispatcher's claim on a row (CLAIM_MS) must outlast it
    timeout: 10,
  });
  return {
    name: "postmark",
    async send(message) {
      const response = await client.sendEmail({
        From: options.from,
        To: message.to,
        Subject: message.subject,
        HtmlBody: message.html,
        TextBody: message.text,
        MessageStream: options.messageStream,
        Tag: message.tag,
      });
      if (response.ErrorCode !== 0)
        throw new Error(`Postmark error ${response.ErrorCode}: ${response.Message}`);
      return response.MessageID;
    },
  };
}

let cachedPostmark: { key: string; transport: EmailTransport } | undefined;

/** Postmark when a server token is configured, otherwise the dev mailbox. */
export function transportFromEnv(): EmailTransport {
  const config = env();
  const token = config.postmark.serverToken;
  if (!token) return devMailboxTransport;
  const key = [
    token,
    config.postmark.apiBase,
    config.emailFrom,
    config.postmark.messageStream,
  ].join("|");
  if (cachedPostmark?.key !== key) {
    const transport = postmarkTransport({
      serverToken: token,
      apiBase: config.postmark.apiBase,
      from: config.emailFrom,
      messageStream: config.postmark.messageStream,
    });
    cachedPostmark = { key, transport };
  }
  return cachedPostmark.transport;
}

/**
 * The dev mailbox shows every member's emails without a login, so it exists only while the
 * app runs on its local defaults (no Postmark token, a loopback APP_URL, as `npm start` on a
 * fresh machine) and only for a browser on this machine: the socket's address is loopback and
 * so is the Host header (a DNS-rebinding page reaches a loopback socket under its own name).
 * Everywhere else it is a 404.
 */
export function devMailboxEnabled(request: Request): boolean {
  const config = env();
  if (config.postmark.serverToken || !config.isLocal) return false;
  if (!isLoopbackClient(request)) return false;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return URL.canParse(`http://${host}`) && isLoopbackHost(new URL(`http://${host}`).hostname);
}
