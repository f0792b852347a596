import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

// The browser specs need a Chromium: the OS's (CHROMIUM_PATH, default /usr/bin/chromium, as the
// Playwright config prefers) or Playwright's own. On a fresh Debian machine where we are root,
// install Debian's package; elsewhere say what to do.
const systemPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function install(): void {
  console.log("No Chromium found: installing Debian's chromium package for the browser tests...");
  const options = {
    stdio: "inherit" as const,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update", "-qq"], options);
  execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], options);
}

if (existsSync(systemPath)) {
  console.log(`Chromium: ${systemPath}`);
} else if (existsSync(chromium.executablePath())) {
  console.log(`Chromium: Playwright's own (${chromium.executablePath()})`);
} else if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  install();
  if (!existsSync(systemPath)) {
    console.error(`apt-get finished but ${systemPath} is missing; set CHROMIUM_PATH.`);
    process.exit(1);
  }
} else {
  console.error(
    "The browser tests need Chromium: install Debian's package (sudo apt-get install chromium), " +
      "or Playwright's (npx playwright install chromium), or set CHROMIUM_PATH.",
  );
  process.exit(1);
}
