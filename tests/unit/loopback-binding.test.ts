import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildIfNeeded } from "../../app/cli/build";
import { listenHost } from "../../app/cli/server-command";
import { makeTempDir } from "../support/app";
import { freePort } from "../support/server-process";

const root = process.cwd();

/** This machine's addresses that others on its networks can reach (not loopback, not link-local). */
const networkAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a !== undefined && !a.internal && !a.address.startsWith("fe80:"))
  .map((a) => a!.address);

/** "open" when a TCP connection to host:port is accepted, else the error code (ECONNREFUSED). */
function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(5_000);
    socket.on("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.on("timeout", () => {
      socket.destroy();
      resolve("timeout");
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function startEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith("VITEST") && !name.startsWith("STRIPE_") && name !== "HOST",
    ),
  );
  return {
    ...env,
    CI: "1",
    NODE_ENV: "production",
    PASSWORD_HASH_COST: "test",
    SESSION_SECRET: "",
    POSTMARK_SERVER_TOKEN: "",
    ...extra,
  };
}

/** `npm start` as a developer runs it, on local defaults. */
function npmStart(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "app/cli/start.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

describe("where the server listens", () => {
  it.each([
    ["http://localhost:3000", undefined, "127.0.0.1"],
    ["http://127.0.0.1:3000", undefined, "127.0.0.1"],
    ["http://127.0.0.2:3000", undefined, "127.0.0.2"],
    ["http://[::1]:3000", undefined, "::1"],
    ["http://localhost:3000", "::1", "::1"],
    ["https://talents-acting.example", undefined, undefined],
    ["https://talents-acting.example", "0.0.0.0", "0.0.0.0"],
  ])("APP_URL %s with HOST=%s listens on %s", (appUrl, hostEnv, expected) => {
    const isLocal = !appUrl.startsWith("https://");
    expect(listenHost({ appUrl, isLocal }, hostEnv)).toEqual({ host: expected });
  });

  it.each(["0.0.0.0", "::", "192.0.2.2", "talents.example"])(
    "refuses HOST=%s on local defaults, naming HOST",
    (hostEnv) => {
      const answer = listenHost({ appUrl: "http://localhost:3000", isLocal: true }, hostEnv);
      expect(answer).toEqual({ problem: expect.stringMatching(/^- HOST: /) as unknown });
    },
  );
});

describe("npm start on local defaults", () => {
  let started: ReturnType<typeof npmStart> | undefined;
  let appPort = 0;
  let standInPort = 0;

  beforeAll(async () => {
    expect(buildIfNeeded(root)).toBe(0);
    appPort = await freePort();
    standInPort = await freePort();
    const dir = makeTempDir("loopback-");
    started = npmStart(
      startEnv({
        PORT: String(appPort),
        APP_URL: `http://localhost:${appPort}`,
        STRIPE_SIM_PORT: String(standInPort),
        STRIPE_SIM_DB: join(dir, "sim.db"),
        DATABASE_URL: join(dir, "app.db"),
      }),
    );
    const { child, output } = started;
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${output()}`);
        const response = await fetch(`http://127.0.0.1:${appPort}/login`);
        expect(response.status).toBe(200);
      },
      { timeout: 240_000, interval: 250 },
    );
  }, 600_000);

  afterAll(async () => {
    const child = started?.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("answers on loopback and the stand-in too", async () => {
    expect(await probe("127.0.0.1", appPort)).toBe("open");
    expect(await probe("127.0.0.1", standInPort)).toBe("open");
  });

  it("refuses connections to every other address of this machine, app and stand-in", async () => {
    // A machine with no network interface has nothing to refuse; the build machines have one.
    expect(networkAddresses.length).toBeGreaterThan(0);
    for (const address of networkAddresses) {
      expect(await probe(address, appPort), `${address}:${appPort}`).toBe("ECONNREFUSED");
      expect(await probe(address, standInPort), `${address}:${standInPort}`).toBe("ECONNREFUSED");
    }
  });

  it("will not start on local defaults with a HOST that is not loopback", async () => {
    const { child, output } = npmStart(
      startEnv({
        PORT: String(await freePort()),
        APP_URL: "http://localhost:3000",
        HOST: "0.0.0.0",
      }),
    );
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output()).toMatch(/- HOST: 0\.0\.0\.0 would expose local defaults/);
  });
});
