import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

// Quality gate: every tracked or new source file is ASCII with LF line endings.
const SOURCE =
  /\.(ts|tsx|js|mjs|cjs|css|json|md|sql|html|yml|yaml|example|sh)$|^\.ci\/run$|^\.gitignore$/;

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && SOURCE.test(f) && f !== "package-lock.json");

const problems: string[] = [];
for (const file of files) {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    continue; // deleted in the working tree
  }
  const nonAscii = bytes.findIndex((b) => b > 0x7e || (b < 0x20 && b !== 0x0a && b !== 0x09));
  if (nonAscii !== -1) {
    const line = bytes.subarray(0, nonAscii).toString("latin1").split("\n").length;
    problems.push(
      `${file}:${line}: byte 0x${bytes[nonAscii]!.toString(16)} is not printable ASCII (or LF/tab)`,
    );
  }
}
if (problems.length > 0) {
  console.error(`Source files must be ASCII with LF line endings:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`${files.length} source files: ASCII, LF line endings.`);
