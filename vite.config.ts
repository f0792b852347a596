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

/**
 * The suites that touch the app's database. They run on SQLite always, and once more on
 * PostgreSQL when TEST_DATABASE_URL names a server (npm test makes a throwaway one:
 * tests/tools/with-postgres.ts); each test file gets its own database there.
 */
const testOptions = {
  exclude: ["tests/e2e/**", "node_modules/**"],
  environment: "node",
  pool: "forks" as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
const DATABASE_SUITES = [
  "tests/access/**/*.test.ts",
  "tests/billing/**/*.test.ts",
  "tests/payments/**/*.test.ts",
  "tests/email/**/*.test.ts",
  "tests/auth/**/*.test.ts",
  "tests/postgres/**/*.test.ts",
  "tests/staff/**/*.test.ts",
  "tests/ops/**/*.test.ts",
  "tests/i18n/**/*.test.ts",
  // the production server on a fresh database (the rest of tests/unit needs none)
  "tests/unit/odd-input.test.ts",
  "tests/unit/test-mode-banner.test.ts",
];

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
    projects: [
      {
        extends: true,
        test: {
          ...testOptions,
          name: "sqlite",
          include: ["app/**/*.test.ts", "tests/**/*.test.ts", "stripe-sim/**/*.test.ts"],
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                ...testOptions,
                name: "postgres",
                include: DATABASE_SUITES,
                env: { TEST_BACKEND: "postgres" },
              },
            },
          ]
        : []),
    ],
  },
});
