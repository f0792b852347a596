import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStaffFlag } from "../../app/staff/accounts.server";
import { setupTestApp, testBackend, type TestApp } from "../support/app";
import { createUser, reloadUser, sessionCookieFor } from "../support/factories";

const run = promisify(execFile);
let app: TestApp;

beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

async function cli(command: "grant" | "revoke", email: string) {
  try {
    const { stdout, stderr } = await run("npx", ["tsx", "app/cli/staff.ts", command, email], {
      env: { ...process.env, DATABASE_URL: app.dbPath },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("staff accounts", () => {
  it("a new account is not staff", async () => {
    const user = await createUser(app.db);
    expect(user.is_staff).toBe(0);
  });

  it("setStaffFlag gives and takes the flag, says what changed, and revoking ends the sessions", async () => {
    const user = await createUser(app.db, { email: "flag@example.test" });
    await sessionCookieFor(app.db, user);
    expect(await setStaffFlag(app.db, " FLAG@example.test ", true, new Date())).toEqual({
      kind: "changed",
      email: "flag@example.test",
      isStaff: true,
    });
    expect((await reloadUser(app.db, user.id)).is_staff).toBe(1);
    expect((await setStaffFlag(app.db, "flag@example.test", true, new Date())).kind).toBe(
      "unchanged",
    );
    expect((await setStaffFlag(app.db, "flag@example.test", false, new Date())).kind).toBe(
      "changed",
    );
    expect((await reloadUser(app.db, user.id)).is_staff).toBe(0);
    const sessions = await app.db
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", user.id)
      .execute();
    expect(sessions).toHaveLength(0);
    expect(await setStaffFlag(app.db, "nobody@example.test", true, new Date())).toEqual({
      kind: "unknown",
      email: "nobody@example.test",
    });
  });

  it.skipIf(testBackend === "postgres")(
    "npm run staff:grant / staff:revoke print what changed and refuse an unknown email with exit code 1",
    async () => {
      const user = await createUser(app.db, { email: "cli@example.test" });
      const granted = await cli("grant", "cli@example.test");
      expect(granted.code).toBe(0);
      expect(granted.stdout).toContain("cli@example.test is now staff");
      expect((await reloadUser(app.db, user.id)).is_staff).toBe(1);
      const again = await cli("grant", "cli@example.test");
      expect(again.stdout).toContain("is already staff; nothing changed");
      const revoked = await cli("revoke", "cli@example.test");
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain("cli@example.test is no longer staff");
      expect((await reloadUser(app.db, user.id)).is_staff).toBe(0);
      const unknown = await cli("grant", "ghost@example.test");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("No account has the email ghost@example.test");
    },
    60_000,
  );
});
