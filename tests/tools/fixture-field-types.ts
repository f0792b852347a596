import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// The top-level field names and JSON types of Stripe's example objects (fixtures3.json from
// Stripe's OpenAPI repository, given beside this project in ../shared/stripe-reference/) for
// the billing resources the stand-in serves. Only this table is kept in the repository, so the
// fidelity test runs where ../shared is absent (CI); where it is present, the test checks the
// table still matches it. Regenerate: npx tsx tests/tools/fixture-field-types.ts

export const FIXTURES_PATH = resolve("../shared/stripe-reference/fixtures3.json");
export const TABLE_PATH = resolve("tests/stripe-sim/fixture-field-types.json");

export const BILLING_RESOURCES = [
  "subscription",
  "subscription_item",
  "invoice",
  "line_item",
  "invoiceitem",
  "billing_portal.configuration",
  "billing_portal.session",
  "test_helpers.test_clock",
] as const;

export type FieldTypes = Record<string, Record<string, string>>;

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** The table from the fixtures file, or null where the file is not there. */
export function extractFieldTypes(path: string = FIXTURES_PATH): FieldTypes | null {
  if (!existsSync(path)) return null;
  const { resources } = JSON.parse(readFileSync(path, "utf8")) as {
    resources: Record<string, Record<string, unknown>>;
  };
  const table: FieldTypes = {};
  for (const resource of BILLING_RESOURCES) {
    const fixture = resources[resource];
    if (!fixture) throw new Error(`fixtures3.json has no ${resource}`);
    table[resource] = Object.fromEntries(
      Object.entries(fixture).map(([field, value]) => [field, jsonType(value)]),
    );
  }
  return table;
}

export function readFieldTypes(): FieldTypes {
  return JSON.parse(readFileSync(TABLE_PATH, "utf8")) as FieldTypes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const table = extractFieldTypes();
  if (!table) {
    console.error(`No ${FIXTURES_PATH}; nothing to extract.`);
    process.exit(1);
  }
  writeFileSync(TABLE_PATH, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`Wrote ${TABLE_PATH}`);
}
