import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "../../app/lib/client-address.server";
import { dispatchDueEmails } from "../../app/email/dispatcher.server";
import { devMailboxTransport } from "../../app/email/transport.server";
import * as mailbox from "../../app/routes/dev.mailbox";
import * as message from "../../app/routes/dev.mailbox.$id";
import { setupTestApp, type TestApp } from "../support/app";
import { loopbackGetRequest } from "../support/loopback";
import { args } from "../support/requests";
import { queueStoredEmail } from "../support/emails";

// The app on its local defaults (no Postmark token, APP_URL http://localhost:3000).
let app: TestApp;
let messageId: number;
beforeAll(async () => {
  app = await setupTestApp();
  await queueStoredEmail(app.db, {
    dedupeKey: "mailbox:1",
    to: "member@example.test",
    subject: "Private",
    html: "<p>secret</p>",
    text: "secret",
  });
  await dispatchDueEmails(app.db, devMailboxTransport, () => new Date());
  messageId = (
    await app.db
      .selectFrom("email_outbox")
      .select("id")
      .where("status", "=", "sent")
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => {
  await app.close();
});

function requestFrom(
  address: string | null,
  host: string | null,
  path = "/dev/mailbox?format=json",
): Request {
  const headers = new Headers();
  if (address !== null) headers.set(CLIENT_ADDRESS_HEADER, address);
  if (host !== null) headers.set("Host", host);
  return new Request(`http://localhost:3000${path}`, { headers });
}

describe("/dev/mailbox on local defaults", () => {
  it.each(["127.0.0.1", "::1", "::ffff:127.0.0.1"])(
    "serves a browser on this machine (%s)",
    async (address) => {
      const response = await mailbox.loader(
        args(loopbackGetRequest("/dev/mailbox?format=json", address)),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { messages: { to_email: string }[] };
      expect(body.messages.map((m) => m.to_email)).toEqual(["member@example.test"]);
      expect(
        (
          await message.loader(
            args(loopbackGetRequest(`/dev/mailbox/${messageId}`, address), {
              id: String(messageId),
            }),
          )
        ).status,
      ).toBe(200);
    },
  );

  it.each([
    ["a client on the network", "192.168.1.20", "localhost:3000"],
    ["an unknown client address", null, "localhost:3000"],
    [
      "a loopback client reached under another name (DNS rebinding)",
      "127.0.0.1",
      "attacker.example:3000",
    ],
    [
      "a loopback socket forwarding a public Host (reverse proxy)",
      "127.0.0.1",
      "talents-acting.example",
    ],
  ])("answers 404 to %s", async (_label, address, host) => {
    expect((await mailbox.loader(args(requestFrom(address, host)))).status).toBe(404);
    const one = await message.loader(
      args(requestFrom(address, host, `/dev/mailbox/${messageId}`), { id: String(messageId) }),
    );
    expect(one.status).toBe(404);
  });
});
