import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as mailbox from "../../app/routes/dev.mailbox";
import * as message from "../../app/routes/dev.mailbox.$id";
import { setupTestApp, type TestApp } from "../support/app";
import { loopbackGetRequest } from "../support/loopback";
import { args } from "../support/requests";

// A Postmark token is set: emails go to Postmark, and the mailbox does not exist, even locally.
let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp({
    env: { POSTMARK_SERVER_TOKEN: "postmark-token", POSTMARK_API_BASE: "http://127.0.0.1:9" },
  });
});
afterAll(async () => {
  await app.close();
});

describe("/dev/mailbox with a Postmark token", () => {
  it("answers 404 to a loopback client, in production mode or not", async () => {
    expect(
      (await mailbox.loader(args(loopbackGetRequest("/dev/mailbox?format=json")))).status,
    ).toBe(404);
    expect((await mailbox.loader(args(loopbackGetRequest("/dev/mailbox")))).status).toBe(404);
    expect(
      (await message.loader(args(loopbackGetRequest("/dev/mailbox/1"), { id: "1" }))).status,
    ).toBe(404);
  });
});
