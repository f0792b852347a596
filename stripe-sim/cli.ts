/**
 * `npm run stripe-sim`: starts the stand-in from environment variables and keeps it running
 * until SIGINT/SIGTERM. All configuration is read here, never when index.ts is imported.
 */
import { optionsFromEnv } from "./env.js";
import { startStripeSim } from "./index.js";

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const sim = await startStripeSim({ ...options, log: (line) => console.log(line) });
  console.log(
    `stripe-sim listening on ${sim.url} (dashboard ${sim.url}/, forwarding webhooks to ${options.forwardTo ?? "nowhere"})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stripe-sim: error while stopping on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error("stripe-sim failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
