import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { installPostgres, isRoot, postgresBinDir, startCluster } from "./postgres-cluster";

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

function run(env: NodeJS.ProcessEnv): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { stdio: "inherit", env, shell: false });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
}

async function main(): Promise<number> {
  if (process.env.TEST_DATABASE_URL) {
    console.log(
      "PostgreSQL: TEST_DATABASE_URL is set; the database suites run on SQLite and on that server.",
    );
    return run(process.env);
  }
  if (process.env.TEST_POSTGRES === "off") {
    console.log("PostgreSQL: TEST_POSTGRES=off; the database suites run on SQLite only.");
    return run(process.env);
  }
  let binDir = postgresBinDir();
  if (!binDir && isRoot && existsSync("/usr/bin/apt-get")) {
    installPostgres();
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
  console.log(
    `PostgreSQL: throwaway cluster at ${cluster.url}; the database suites run on SQLite and on it.`,
  );
  try {
    return await run({ ...process.env, TEST_DATABASE_URL: cluster.url });
  } finally {
    cluster.stop();
  }
}

process.exitCode = await main();
