import js from "@eslint/js";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "tests/.tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { react, "react-hooks": reactHooks },
    settings: { react: { version: "18" } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      ...reactHooks.configs.recommended.rules,
      "react/prop-types": "off",
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "warn",
    },
  },
  {
    // Migrations are frozen in time and typed Kysely<any> on purpose (they must not import the schema).
    files: ["db/migrations/**/*.ts", "db/migrator.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // No import cycles: a module graph a newcomer can read from the routes down, the stand-in's
    // included. Its imports name the emitted `.js` file (NodeNext style); `extensionAlias`
    // resolves them to the `.ts` source so the rule follows every edge.
    files: [
      "app/**/*.{ts,tsx}",
      "db/**/*.ts",
      "emails/**/*.tsx",
      "stripe-sim/**/*.ts",
      "tests/**/*.ts",
    ],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [
        createNodeResolver({
          extensions: [".ts", ".tsx", ".js"],
          extensionAlias: { ".js": [".ts", ".tsx", ".js"] },
        }),
      ],
    },
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
);
