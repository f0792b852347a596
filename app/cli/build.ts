import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds the production server when a source is newer than it; answers the build's exit status (0 when nothing to do). */
export function buildIfNeeded(root: string): number {
  const output = join(root, "build/server/index.js");
  const sources = ["app", "emails", "db", "public", "vite.config.ts", "package-lock.json"]
    .map((p) => join(root, p))
    .filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestMtime));
  if (existsSync(output) && statSync(output).mtimeMs >= newestSource) return 0;
  console.log("Building the app for production...");
  // A test runner's variables (VITEST drops the Remix plugin from vite.config.ts, NODE_ENV=test)
  // must not reach the production build.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  for (const name of Object.keys(env))
    if (name.startsWith("VITEST") || name === "TEST") delete env[name];
  const result = spawnSync(
    process.execPath,
    [join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"],
    { stdio: "inherit", cwd: root, env },
  );
  return result.status ?? 1;
}
