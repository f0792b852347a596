import { describe, expect, it } from "vitest";
import { safeRedirect } from "../../app/lib/safe-redirect";

describe("safeRedirect", () => {
  it.each(["/dashboard/talent?x=1", "/", "/dashboard/company/payment#top", "/a/b%2F%2Fc"])(
    "keeps the same-origin path %s",
    (to) => {
      expect(safeRedirect(to, "/home")).toBe(to);
    },
  );

  it.each([
    "//evil.com",
    "//evil.com/dashboard",
    "/\\evil.com",
    "/\\/evil.com",
    "https://x",
    "https://evil.com/dashboard",
    "javascript:alert(1)",
    "dashboard",
    "/\t/evil.com",
    "/\n/evil.com",
    "/dash\u0000board",
    "",
  ])("replaces %j with the fallback", (to) => {
    expect(safeRedirect(to, "/home")).toBe("/home");
  });

  it("refuses values that are not strings and defaults to /", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
    expect(safeRedirect(["/dashboard"])).toBe("/");
    expect(safeRedirect({ toString: () => "/x" })).toBe("/");
  });
});
