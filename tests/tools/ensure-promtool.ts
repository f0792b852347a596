import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

// The alert rules are checked with Prometheus' own promtool (tests/ops/promtool.test.ts). On a
// fresh Debian machine where we are root, install Debian's prometheus package (which ships
// promtool), as ensure-chromium.ts does for the browser; elsewhere say what to do.
export const PROMTOOL = process.env.PROMTOOL_PATH ?? "/usr/bin/promtool";

if (existsSync(PROMTOOL)) {
  console.log(`promtool: ${PROMTOOL}`);
} else if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log(
    "No promtool found: installing Debian's prometheus package for the alert rule tests...",
  );
  const options = {
    stdio: "inherit" as const,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update", "-qq"], options);
  execFileSync(
    "apt-get",
    ["install", "-y", "-qq", "--no-install-recommends", "prometheus"],
    options,
  );
  if (!existsSync(PROMTOOL)) {
    console.error(`apt-get finished but ${PROMTOOL} is missing; set PROMTOOL_PATH.`);
    process.exit(1);
  }
} else {
  console.error(
    "The alert rule tests need promtool: install Debian's package (sudo apt-get install prometheus), " +
      "or set PROMTOOL_PATH.",
  );
  process.exit(1);
}
