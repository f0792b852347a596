import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDbPath } from "../support/stand-in";

const temp = tempDbPath();
afterAll(() => temp.cleanup());

describe("npm run stripe-sim (stripe-sim/cli.ts)", () => {
  it("starts from env, prints its URL on one line, serves the API and stops cleanly on SIGTERM", async () => {
    const child = spawn(resolve("node_modules/.bin/tsx"), ["stripe-sim/cli.ts"], {
      env: {
        ...process.env,
        STRIPE_SIM_PORT: "0",
        STRIPE_SIM_DB: temp.dbPath,
        STRIPE_SIM_FORWARD_TO: "none",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolveExit) =>
      child.on("exit", (code) => resolveExit(code)),
    );

    const started = Date.now();
    while (!/listening on (http:\/\/\S+)/.test(output)) {
      if (Date.now() - started > 20_000) throw new Error(`stripe-sim did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1] ?? "";
    expect(output.trim().split("\n")).toHaveLength(1);
    const response = await fetch(`${url}/v1/customers`, {
      method: "POST",
      headers: {
        Authorization: "Bearer sk_test_cli",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "email=cli%40example.com",
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { email: string }).email).toBe("cli@example.com");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
