import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireLapsedAccess } from "../../app/payments/sweep.server";
import { setupTestApp, type TestApp } from "../support/app";
import { createUser, daysFromNow, reloadUser } from "../support/factories";

let app: TestApp;
beforeAll(async () => {
  app = await setupTestApp();
});
afterAll(async () => {
  await app.close();
});

describe("access expiry sweep", () => {
  it("writes EXPIRED for ACTIVE users whose access ended, and only for them", async () => {
    const lapsed = await createUser(app.db, { subscription_status: "ACTIVE", access_expires_at: daysFromNow(-1) });
    const current = await createUser(app.db, { subscription_status: "ACTIVE", access_expires_at: daysFromNow(10) });
    const none = await createUser(app.db);
    expect(await expireLapsedAccess(app.db)).toBe(1);
    expect((await reloadUser(app.db, lapsed.id)).subscription_status).toBe("EXPIRED");
    expect((await reloadUser(app.db, current.id)).subscription_status).toBe("ACTIVE");
    expect((await reloadUser(app.db, none.id)).subscription_status).toBe("NONE");
    expect(await expireLapsedAccess(app.db)).toBe(0);
  });

  it("reads ACTIVE users by end date through the partial index, not a scan of users", async () => {
    const plan = await sql<{ detail: string }>`explain query plan update users set subscription_status = 'EXPIRED' where subscription_status = 'ACTIVE' and access_expires_at is not null and access_expires_at <= '2027-01-01'`.execute(app.db);
    expect(plan.rows.map((r) => r.detail).join(" | ")).toMatch(/USING INDEX users_active_access_expires_at_idx/);
  });
});
