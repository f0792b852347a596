/// <reference types="vitest/config" />
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Vitest reads this file too; the Remix plugin is only for the app build and dev server.
const isVitest = process.env.VITEST !== undefined;

export default defineConfig({
  plugins: isVitest
    ? []
    : [
        remix({
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
            v3_routeConfig: true,
          },
        }),
      ],
  resolve: {
    alias: { "~": new URL("./app", import.meta.url).pathname },
  },
  server: { port: 3000 },
  // Bundle React Email into the server build so only the components the templates use are
  // loaded (the package's barrel import alone costs about 30 MB of memory).
  ssr: { noExternal: [/^@react-email\/(?!render)/] },
  test: {
    include: ["app/**/*.test.ts", "tests/**/*.test.ts", "stripe-sim/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
