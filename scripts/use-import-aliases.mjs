#!/usr/bin/env node
/**
 * Rewrites every relative import that climbs out of its top folder (`../../shared/store/state`
 * from `functions/` or `tests/`) into the package.json `imports` alias (`#shared/store/state`).
 * Imports inside one top folder stay relative. Only targets that resolve to a `.ts` file are
 * rewritten (the aliases map `#x/*` to `./x/*.ts`); anything else is listed and left alone.
 *
 *   node scripts/use-import-aliases.mjs [--dry-run] [root]     (root: the repository, default ".")
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const root = path.resolve(args.find((a) => !a.startsWith("--")) ?? ".");
const SKIP = new Set(["node_modules", ".git", ".data", "cdk.out", "coverage"]);

const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
/** Top folder -> alias prefix, from package.json: "#shared/*": "./shared/*.ts" gives shared -> #shared/. */
const aliases = new Map();
for (const [name, target] of Object.entries(pkg.imports ?? {})) {
  const m = /^(#[^*]+\/)\*$/.exec(name);
  const t = typeof target === "string" ? /^\.\/([^/*]+)\/\*\.ts$/.exec(target) : null;
  if (m && t) aliases.set(t[1], m[1]);
}
if (!aliases.size) {
  console.error('package.json has no "imports" aliases of the form "#x/*": "./x/*.ts"');
  process.exit(1);
}

/** `from "..."`, `import "..."`, `import("...")` (also in `typeof import(...)`), `export ... from "..."`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*)\2/g;

function* tsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(full);
    else if (/\.(ts|mts|cts|tsx)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) yield full;
  }
}

const topFolder = (abs) => path.relative(root, abs).split(path.sep)[0];

/** The alias for a specifier, or a reason it stays. */
function aliasFor(file, spec) {
  const abs = path.resolve(path.dirname(file), spec);
  const from = topFolder(file);
  const to = topFolder(abs);
  if (from === to) return { keep: true };
  const prefix = aliases.get(to);
  if (!prefix) return { skip: `no alias for top folder "${to}"` };
  const withoutExt = abs.replace(/\.(ts|js)$/, "");
  let target;
  if (existsSync(`${withoutExt}.ts`)) target = withoutExt;
  else if (
    existsSync(withoutExt) &&
    statSync(withoutExt).isDirectory() &&
    existsSync(path.join(withoutExt, "index.ts"))
  )
    target = path.join(withoutExt, "index");
  else return { skip: "does not resolve to a .ts file" };
  const rest = path.relative(path.join(root, to), target).split(path.sep).join("/");
  return { alias: `${prefix}${rest}` };
}

let files = 0;
let rewrites = 0;
const skipped = [];
for (const file of tsFiles(root)) {
  if (path.dirname(file) === root) continue; // top-level files have no top folder to climb out of
  const source = readFileSync(file, "utf8");
  let changed = 0;
  const out = source.replace(SPECIFIER, (whole, lead, quote, spec) => {
    const r = aliasFor(file, spec);
    if (r.skip) skipped.push(`${path.relative(root, file)}: "${spec}" (${r.skip})`);
    if (!r.alias) return whole;
    changed++;
    return `${lead}${quote}${r.alias}${quote}`;
  });
  if (!changed) continue;
  files++;
  rewrites += changed;
  console.log(`${path.relative(root, file)}: ${changed} import(s)`);
  if (!dryRun) writeFileSync(file, out);
}
for (const s of skipped) console.warn(`left as is: ${s}`);
console.log(`${dryRun ? "would rewrite" : "rewrote"} ${rewrites} import(s) in ${files} file(s)`);
console.log("then: npx biome check --write . (import order), npx tsc --noEmit");
