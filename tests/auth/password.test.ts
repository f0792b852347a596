import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/lib/env.server";
import {
  hashPassword,
  needsRehash,
  OWASP_SCRYPT,
  scryptParamsFor,
  TEST_SCRYPT,
  verifyPassword,
} from "../../app/lib/password.server";

describe("password hashing", () => {
  it("uses OWASP's scrypt parameters unless the test cost is configured", () => {
    expect(parseEnv({}).passwordHashCost).toBe("owasp");
    expect(scryptParamsFor("owasp")).toEqual({ N: 16384, r: 8, p: 5 });
    expect(scryptParamsFor("test")).toEqual({ N: 4096, r: 8, p: 1 });
  });

  it("stores a self-describing scrypt string with a 16-byte salt and a 64-byte key, at OWASP cost", async () => {
    const stored = await hashPassword("correct horse battery", OWASP_SCRYPT);
    const [scheme, N, r, p, salt, key] = stored.split("$");
    expect([scheme, N, r, p]).toEqual(["scrypt", "16384", "8", "5"]);
    expect(Buffer.from(salt ?? "", "base64url")).toHaveLength(16);
    expect(Buffer.from(key ?? "", "base64url")).toHaveLength(64);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    const a = await hashPassword("same password", TEST_SCRYPT);
    const b = await hashPassword("same password", TEST_SCRYPT);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("rejects unreadable or hostile hash strings instead of throwing", async () => {
    for (const stored of [
      "",
      "plain",
      "bcrypt$1$2$3$4$5",
      "scrypt$3$8$1$c2FsdA$a2V5",
      "scrypt$1073741824$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
    ]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("asks for a rehash when the stored parameters differ from the current ones", async () => {
    const cheap = await hashPassword("pw-12345678", TEST_SCRYPT);
    expect(needsRehash(cheap, OWASP_SCRYPT)).toBe(true);
    expect(needsRehash(cheap, TEST_SCRYPT)).toBe(false);
    expect(needsRehash("garbage", TEST_SCRYPT)).toBe(true);
  });
});
