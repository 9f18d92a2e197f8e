#!/usr/bin/env node
/**
 * Applies a comment map (file, old text, new text; tab-separated, `\n` `\t` `\\` escaped) by
 * exact text match in any .ts file of the tree, so it still works after files move or split. The
 * old text's lines after the first may sit at any indentation; the new text's continuation lines
 * are written at the indentation of the line where the match starts. A row whose old text is
 * gone but whose new text is present counts as already applied.
 *
 *   node scripts/apply-contracts-map.mjs [--dry-run] [map.tsv] [root]
 *   (defaults: /work/notes/contracts-map.tsv and the current directory)
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const [mapFile = "/work/notes/contracts-map.tsv", rootArg = "."] = args.filter((a) => !a.startsWith("--"));
const root = path.resolve(rootArg);
const SKIP = new Set(["node_modules", ".git", ".data", "cdk.out", "coverage"]);

const unescape = (s) => s.replace(/\\(n|t|\\)/g, (_, c) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\"));
const rows = readFileSync(mapFile, "utf8")
  .split("\n")
  .filter((line) => line.trim() && !line.startsWith("#"))
  .map((line) => {
    const [file, oldText, newText] = line.split("\t");
    if (oldText === undefined || newText === undefined) throw new Error(`bad row: ${line}`);
    return { file, oldText: unescape(oldText), newText: unescape(newText) };
  });

function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (entry.name.endsWith(".ts")) yield full;
  }
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The old text with any indentation before its second and later lines; group 1 is the first line's. */
const pattern = (text) =>
  new RegExp(
    `(^[ \\t]*)?${text
      .split("\n")
      .map((line, i) => (i ? `[ \\t]*${escapeRe(line.trimStart())}` : escapeRe(line)))
      .join("\\n")}`,
    "gm",
  );

const sources = new Map([...tsFiles(root)].map((f) => [f, readFileSync(f, "utf8")]));
const changed = new Set();
let missing = 0;
for (const row of rows) {
  const re = pattern(row.oldText);
  let hits = 0;
  for (const [file, text] of sources) {
    const next = text.replace(re, (_, indent = "") => {
      hits++;
      return indent + row.newText.split("\n").join(`\n${indent}`);
    });
    if (next !== text) {
      sources.set(file, next);
      changed.add(file);
      console.log(`${path.relative(root, file)}: ${row.oldText.split("\n")[0].trim()}`);
    }
  }
  if (hits) continue;
  const firstNew = row.newText.split("\n")[0].trim();
  if ([...sources.values()].some((t) => t.includes(firstNew))) continue; // already applied
  missing++;
  console.warn(`not found (was in ${row.file}): ${row.oldText.split("\n")[0].trim()}`);
}
if (!dryRun) for (const file of changed) writeFileSync(file, sources.get(file));
console.log(`${dryRun ? "would change" : "changed"} ${changed.size} file(s); ${missing} row(s) not found`);
process.exit(missing ? 1 : 0);
