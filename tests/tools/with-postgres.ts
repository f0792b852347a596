import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// tsx tests/tools/with-postgres.ts <command> [args...]
//
// Runs the command with TEST_DATABASE_URL pointing at a PostgreSQL server, so the database
// suites run on Postgres as well as on SQLite. An existing TEST_DATABASE_URL is used as is.
// Otherwise a throwaway cluster is made in a temp folder on a free port (Debian's postgresql
// package, installed here the way ensure-chromium.ts installs the browser when we are root on
// a Debian machine), and stopped and removed when the command ends. TEST_POSTGRES=off, or a
// machine without Postgres where nothing can be installed, runs the command on SQLite only.

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error("usage: tsx tests/tools/with-postgres.ts <command> [args...]");
  process.exit(2);
}

const isRoot = process.getuid?.() === 0;

function postgresBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], "bin") : null;
}

function install(): void {
  console.log("No PostgreSQL found: installing Debian's postgresql package for the Postgres test run...");
  const options = { stdio: "inherit" as const, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  execFileSync("apt-get", ["update", "-qq"], options);
  execFileSync("apt-get", ["install", "-y", "-qq", "postgresql"], options);
}

function freePort(): Promise<number> {
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
  if (result.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
}

interface Cluster {
  url: string;
  stop(): void;
}

async function startCluster(binDir: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "payments-pg-"));
  if (isRoot) {
    const ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const data = join(dir, "data");
  const port = await freePort();
  let started = false;
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
    runAsOwner(join(binDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
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
    runAsOwner(join(binDir, "pg_ctl"), ["-D", data, "-l", join(dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

function run(env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { stdio: "inherit", env, shell: false });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

async function main(): Promise<number> {
  if (process.env.TEST_DATABASE_URL) {
    console.log("PostgreSQL: TEST_DATABASE_URL is set; the database suites run on SQLite and on that server.");
    return run(process.env);
  }
  if (process.env.TEST_POSTGRES === "off") {
    console.log("PostgreSQL: TEST_POSTGRES=off; the database suites run on SQLite only.");
    return run(process.env);
  }
  let binDir = postgresBinDir();
  if (!binDir && isRoot && existsSync("/usr/bin/apt-get")) {
    install();
    binDir = postgresBinDir();
  }
  if (!binDir) {
    console.warn(
      "PostgreSQL: not installed (sudo apt-get install postgresql, or set TEST_DATABASE_URL to a server); " +
        "the database suites run on SQLite only.",
    );
    return run(process.env);
  }
  const cluster = await startCluster(binDir);
  console.log(`PostgreSQL: throwaway cluster at ${cluster.url}; the database suites run on SQLite and on it.`);
  try {
    return await run({ ...process.env, TEST_DATABASE_URL: cluster.url });
  } finally {
    cluster.stop();
  }
}

process.exitCode = await main();
