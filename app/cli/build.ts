import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh(root: string): boolean {
  const output = join(root, "build/server/index.js");
  const sources = ["app", "emails", "db", "public", "vite.config.ts", "package-lock.json"]
    .map((p) => join(root, p))
    .filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestMtime));
  return existsSync(output) && statSync(output).mtimeMs >= newestSource;
}

/** A lock held longer than this belongs to a process that died mid-build. */
const STALE_LOCK_MS = 10 * 60 * 1000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `fn` while holding a lock directory next to node_modules' cache: test files running at
 * once (each starting a production server) would otherwise build into the same folder together.
 */
function withBuildLock<T>(root: string, fn: () => T): T {
  const lock = join(root, "node_modules/.cache/app-build.lock");
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS)
        rmSync(lock, { recursive: true, force: true });
      sleepSync(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the production server when a source is newer than it; answers the build's exit status (0 when nothing to do). */
export function buildIfNeeded(root: string): number {
  if (isFresh(root)) return 0;
  return withBuildLock(root, () => (isFresh(root) ? 0 : build(root)));
}

function build(root: string): number {
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
