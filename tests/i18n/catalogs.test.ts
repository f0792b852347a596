import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { LANGUAGES, NAMESPACES } from "../../app/i18n/config";
import { resources } from "../../app/i18n/resources.server";

const ROOT = new URL("../..", import.meta.url).pathname;
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** "a.b.c" for every string leaf of a catalog; objects are only structure. */
function leaves(catalog: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else if (typeof value === "object" && value !== null)
      for (const [k, v] of leaves(value as object, path)) out.set(k, v);
    else throw new Error(`${path}: a catalog holds strings only`);
  }
  return out;
}

/** Every source file the app and its emails are built from. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "locales" ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const files = [...sourceFiles(join(ROOT, "app")), ...sourceFiles(join(ROOT, "emails"))];
const KEY = new RegExp(`^(?:${NAMESPACES.join("|")}):[A-Za-z0-9_.]+$`);

/**
 * The string literals of a source file, read with TypeScript's parser so comments (which may
 * mention `staff:grant` without using a key) and code are told apart exactly.
 */
function stringLiterals(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const literals: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      literals.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return literals;
}

/** "ns:key" written in the source, with the files writing it. */
const used = new Map<string, string[]>();
for (const file of files) {
  for (const literal of stringLiterals(file)) {
    if (!KEY.test(literal)) continue;
    used.set(literal, [...(used.get(literal) ?? []), relative(ROOT, file)]);
  }
}

/** "ns:key" with plural suffixes folded: what the source can ask for. */
function askable(language: (typeof LANGUAGES)[number]): Set<string> {
  const keys = new Set<string>();
  for (const ns of NAMESPACES) {
    for (const key of leaves(resources[language][ns]).keys()) {
      keys.add(`${ns}:${key}`);
      keys.add(`${ns}:${key.replace(PLURAL, "")}`);
    }
  }
  return keys;
}

describe("message catalogs", () => {
  it("hold the same keys in French and English", () => {
    for (const ns of NAMESPACES) {
      const fold = (language: (typeof LANGUAGES)[number]) =>
        [...new Set([...leaves(resources[language][ns]).keys()].map((k) => k.replace(PLURAL, "")))]
          .map((k) => `${ns}:${k}`)
          .sort();
      expect(fold("fr"), `namespace ${ns}`).toEqual(fold("en"));
    }
  });

  it("give each plural every form its language needs", () => {
    for (const language of LANGUAGES) {
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      for (const ns of NAMESPACES) {
        const keys = [...leaves(resources[language][ns]).keys()];
        const bases = new Set(keys.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, "")));
        for (const base of bases)
          for (const category of categories)
            expect(keys, `${language} ${ns}:${base}`).toContain(`${base}_${category}`);
      }
    }
  });

  it("interpolate the same values in both languages", () => {
    const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    for (const ns of NAMESPACES) {
      const en = leaves(resources.en[ns]);
      const fr = leaves(resources.fr[ns]);
      for (const [key, text] of en) {
        const base = key.replace(PLURAL, "");
        const french = fr.get(key) ?? fr.get(`${base}_other`) ?? "";
        expect(variables(french), `${ns}:${key}`).toEqual(variables(text));
      }
    }
  });

  it("have every key the source uses (no missing key)", () => {
    for (const language of LANGUAGES) {
      const keys = askable(language);
      const missing = [...used].filter(([key]) => !keys.has(key));
      expect(missing, `missing in ${language}`).toEqual([]);
    }
  });

  it("use every key they hold (no unused key)", () => {
    for (const language of LANGUAGES) {
      const unused = [...askable(language)].filter(
        (key) => !used.has(key) && !used.has(key.replace(PLURAL, "")) && !PLURAL.test(key),
      );
      expect(unused, `unused in ${language}`).toEqual([]);
    }
  });

  it("are ASCII JSON (non-ASCII letters as \\u escapes, decision 0022)", () => {
    for (const language of LANGUAGES)
      for (const ns of NAMESPACES) {
        const text = readFileSync(join(ROOT, `app/locales/${language}/${ns}.json`), "utf8");
        expect(/^[\x20-\x7e\n]*$/.test(text), `${language}/${ns}.json`).toBe(true);
        expect(() => JSON.parse(text)).not.toThrow();
      }
  });
});
