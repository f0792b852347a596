import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { vi } from "vitest";
import { productionServerArgs } from "../../app/cli/server-command";
import { createServer } from "node:net";
import { freePort as freeHighPort } from "../tools/postgres-cluster";

// One production server process (remix-serve on the built app, as `npm start` runs it) on the
// test's configuration: process.env as setupTestApp left it, plus `env`. For the tests that
// need a whole process: outages, signals, what it logs.

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** everything it printed so far (stdout and stderr) */
  output(): string;
  /** resolves with the exit code once it exited */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 15 s; resolves when it is gone */
  stop(): Promise<void>;
}

const root = process.cwd();

/** A port free on `host` now (the system's pick), for a server the test starts there. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds the production server when a source is newer than it (tests/tools/build-app.ts), in a
 * child process so that this worker keeps answering Vitest while the build runs.
 */
export async function buildApp(): Promise<void> {
  const child = spawn(
    process.execPath,
    [join(root, "node_modules/tsx/dist/cli.mjs"), "tests/tools/build-app.ts"],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error("the production build failed");
}

export async function startServerProcess(
  env: Record<string, string | undefined> = {},
  options: { port?: number } = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freeHighPort());
  const child = spawn(process.execPath, productionServerArgs(root), {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST")),
      ),
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...env,
    },
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server on ${port} exited:\n${output}`);
      const response = await fetch(`${url}/healthz`);
      if (response.status !== 200) throw new Error(`healthz answered ${response.status}`);
    },
    { timeout: 60_000, interval: 200 },
  );
  return {
    url,
    port,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
