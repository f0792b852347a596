import { describe, expect, it } from "vitest";
import { productionServerArgs, SERVER_HEAP_MB } from "../../app/cli/server-command";

describe("the production server's command line", () => {
  it("runs @remix-run/serve on the build with the heap ceiling, after any extra node flags", () => {
    const args = productionServerArgs("/srv/app", ["--cpu-prof"], {});
    expect(args).toEqual([
      `--max-old-space-size=${SERVER_HEAP_MB}`,
      "--cpu-prof",
      "/srv/app/node_modules/@remix-run/serve/dist/cli.js",
      "build/server/index.js",
    ]);
  });

  it("leaves the ceiling to NODE_OPTIONS when it names one", () => {
    const args = productionServerArgs("/srv/app", [], {
      NODE_OPTIONS: "--enable-source-maps --max-old-space-size=512",
    });
    expect(args.some((arg) => arg.startsWith("--max-old-space-size"))).toBe(false);
    expect(productionServerArgs("/srv/app", [], { NODE_OPTIONS: "--enable-source-maps" })[0]).toBe(
      `--max-old-space-size=${SERVER_HEAP_MB}`,
    );
  });
});
