import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// Translators may type accented letters in app/locales/*/*.json; this writes them back as
// \u escapes (the same strings to JSON, ASCII to the source check; decision 0022) and checks
// that every file parses. `npm run i18n:escape`.
const LOCALES = new URL("../locales", import.meta.url).pathname;

let changed = 0;
for (const language of readdirSync(LOCALES)) {
  for (const file of readdirSync(join(LOCALES, language)).filter((f) => f.endsWith(".json"))) {
    const path = join(LOCALES, language, file);
    const before = readFileSync(path, "utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(before);
    } catch (error) {
      console.error(`${path}: not valid JSON (${String(error)})`);
      process.exitCode = 1;
      continue;
    }
    const after =
      JSON.stringify(parsed, null, 2).replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      ) + "\n";
    if (after !== before) {
      writeFileSync(path, after);
      changed += 1;
      console.log(`escaped ${join(language, file)}`);
    }
  }
}
console.log(`${changed} catalog file(s) rewritten.`);
