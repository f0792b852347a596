import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A throwaway PostgreSQL cluster: Debian's postgresql binaries, initdb in a temp folder (as the
// postgres user when we are root: the server refuses to run as root), a free port above 15000,
// trust authentication on 127.0.0.1 only. Used by `npm test` (with-postgres.ts) and the bench.

export const isRoot = process.getuid?.() === 0;

export function postgresBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : null;
}

export function installPostgres(): void {
  console.log(
    "No PostgreSQL found: installing Debian's postgresql package for the Postgres test run...",
  );
  const options = {
    stdio: "inherit" as const,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  };
  execFileSync("apt-get", ["update", "-qq"], options);
  execFileSync("apt-get", ["install", "-y", "-qq", "postgresql"], options);
}

export function freePort(): Promise<number> {
  // Above 15000, away from the ports the app, the stand-in and the browser tests use.
  const candidate = 15000 + Math.floor(Math.random() * 40000);
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(freePort()));
    server.listen(candidate, "127.0.0.1", () => server.close(() => resolve(candidate)));
  });
}

/** Runs a Postgres tool as the postgres user when we are root (the server refuses to run as root). */
function runAsOwner(bin: string, args: string[]): void {
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const result = spawnSync(file, argv, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${bin} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
}

export interface Cluster {
  url: string;
  port: number;
  /** stops and removes the cluster */
  stop(): void;
  /** stops the server as a restart or a failover would (pg_ctl stop -m fast), keeping its data */
  stopServer(): void;
  /** starts the stopped server again on the same port */
  startServer(): void;
}

export async function startCluster(binDir: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "payments-pg-"));
  if (isRoot) {
    const ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const data = join(dir, "data");
  const port = await freePort();
  let started = false;
  let startOptions = "";
  const start = (options: string) => {
    startOptions = options;
    runAsOwner(join(binDir, "pg_ctl"), [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-o",
      options,
      "-w",
      "-t",
      "60",
      "start",
    ]);
  };
  const stop = () => {
    if (started) {
      started = false;
      try {
        runAsOwner(join(binDir, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    runAsOwner(join(binDir, "initdb"), [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ]);
    // A test cluster: nothing in it must survive a crash, so durability is traded for speed.
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=300",
    ].join(" ");
    started = true;
    start(options);
  } catch (error) {
    stop();
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    stopServer: () => runAsOwner(join(binDir, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]),
    startServer: () => start(startOptions),
  };
}
