import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";

// The top-level fields the installed stripe SDK's types declare for each object type (the
// `object: '...'` literal of its resource interfaces), read from its .d.ts files: the API version
// the SDK pins, as the stand-in claims to serve it. Deleted* variants share their object's name
// and add to its fields (`deleted`).

const RESOURCES = resolve("node_modules/stripe/cjs/resources");

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return declarationFiles(path);
    return name.endsWith(".d.ts") ? [path] : [];
  });
}

let cache: Map<string, Set<string>> | undefined;

export function sdkFieldsByObject(): Map<string, Set<string>> {
  if (cache) return cache;
  const fields = new Map<string, Set<string>>();
  for (const file of declarationFiles(RESOURCES)) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!ts.isInterfaceDeclaration(statement)) continue;
      const names: string[] = [];
      let objectName: string | undefined;
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        const name = member.name.getText(source);
        names.push(name);
        if (
          name === "object" &&
          member.type &&
          ts.isLiteralTypeNode(member.type) &&
          ts.isStringLiteral(member.type.literal)
        )
          objectName = member.type.literal.text;
      }
      if (!objectName) continue;
      const known = fields.get(objectName) ?? new Set<string>();
      for (const name of names) known.add(name);
      fields.set(objectName, known);
    }
  }
  cache = fields;
  return fields;
}

/**
 * Every field, at any depth, of an object whose `object` names an SDK type, that the type does
 * not declare: `invoice.subscription` for an invoice that still carries the pre-2025 field.
 */
export function undeclaredFields(value: unknown, path = ""): string[] {
  const known = sdkFieldsByObject();
  if (Array.isArray(value))
    return value.flatMap((item, i) => undeclaredFields(item, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  const declared = typeof record.object === "string" ? known.get(record.object) : undefined;
  const problems: string[] = [];
  for (const [key, child] of Object.entries(record)) {
    if (declared && !declared.has(key))
      problems.push(`${path || String(record.object)}.${key} (${String(record.object)})`);
    problems.push(...undeclaredFields(child, path ? `${path}.${key}` : key));
  }
  return problems;
}
