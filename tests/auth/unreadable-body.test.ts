import { formRequest, withAuthTestDatabase } from "../support/auth";
import { describe, expect, it } from "vitest";
import { db } from "../../app/lib/db.server";
import { UNREADABLE_FORM } from "../../app/lib/forms.server";
import * as login from "../../app/routes/login";
import * as register from "../../app/routes/register";
import { args, run } from "../support/requests";

interface FormAnswer {
  fieldErrors: Record<string, string>;
  formError?: string | null;
}

withAuthTestDatabase();

async function count(table: "users" | "sessions"): Promise<number> {
  const row = await db()
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A POST from a fresh client address (as the harness makes them) carrying `body` as it is. */
function rawRequest(path: string, body: string, contentType: string | null): Request {
  const headers = new Headers(formRequest(path, {}).headers);
  headers.delete("content-type");
  if (contentType) headers.set("Content-Type", contentType);
  return new Request(`http://localhost:3000${path}`, { method: "POST", headers, body });
}

const fields = {
  name: "Jay Son",
  email: "jay.son@example.com",
  password: "s3cret-passw0rd",
  role: "talent",
};
const bodies: [string, string, string | null][] = [
  ["a JSON body", JSON.stringify(fields), "application/json"],
  [
    "a broken multipart body",
    '--XYZ\r\nContent-Disposition: form-data; name="email"\r\n\r\njay',
    "multipart/form-data; boundary=XYZ",
  ],
  ["a multipart body with no boundary", "email=jay%40example.com", "multipart/form-data"],
  ["a body with no content type", new URLSearchParams(fields).toString(), null],
];

describe("a POST body that is not form data", () => {
  it.each(bodies)(
    "register answers 400 with a form error and writes nothing for %s",
    async (_label, body, contentType) => {
      const users = await count("users");
      const sessions = await count("sessions");
      const outcome = await run<FormAnswer>(() =>
        register.action(args(rawRequest("/register", body, contentType))),
      );
      expect(outcome.status).toBe(400);
      expect(outcome.data?.formError).toBe(UNREADABLE_FORM);
      expect(outcome.data?.fieldErrors).toEqual({});
      expect(outcome.headers.get("Set-Cookie")).toBeNull();
      expect(await count("users")).toBe(users);
      expect(await count("sessions")).toBe(sessions);
    },
  );

  it.each(bodies)(
    "login answers 400 with a form error and starts no session for %s",
    async (_label, body, contentType) => {
      // A real account, so a body the route misread as its form could sign in.
      const created = await run(() =>
        register.action(
          args(
            formRequest("/register", { ...fields, email: `login-${Math.random()}@example.com` }),
          ),
        ),
      );
      expect(created.status).toBe(303);
      const sessions = await count("sessions");
      const outcome = await run<FormAnswer>(() =>
        login.action(args(rawRequest("/login", body, contentType))),
      );
      expect(outcome.status).toBe(400);
      expect(outcome.data?.formError).toBe(UNREADABLE_FORM);
      expect(outcome.data?.fieldErrors).toEqual({});
      expect(outcome.headers.get("Set-Cookie")).toBeNull();
      expect(await count("sessions")).toBe(sessions);
    },
  );

  it("login still signs in from a multipart form, and still gives field errors for empty fields", async () => {
    const email = "multi.part@example.com";
    expect(
      (await run(() => register.action(args(formRequest("/register", { ...fields, email })))))
        .status,
    ).toBe(303);
    const form = new FormData();
    form.set("email", email);
    form.set("password", fields.password);
    const headers = new Headers(formRequest("/login", {}).headers);
    headers.delete("content-type");
    const signedIn = await run(() =>
      login.action(
        args(new Request("http://localhost:3000/login", { method: "POST", headers, body: form })),
      ),
    );
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("Location")).toBe("/dashboard/talent");

    const empty = await run<FormAnswer>(() =>
      login.action(args(formRequest("/login", { email: "", password: "" }))),
    );
    expect(empty.status).toBe(400);
    expect(empty.data?.formError).toBeNull();
    expect(Object.keys(empty.data?.fieldErrors ?? {}).sort()).toEqual(["email", "password"]);
  });
});
