/**
 * `npm run check:boundaries`: the structure rules of docs/new-flow.md, measured on the imports.
 *
 * 1. A flow is one folder (a folder of shared/flows holding a `flow.ts` declaration): the source
 *    files outside it that import from it are at most the registry (`shared/flows/registry.ts`:
 *    declarations, for the edges; `shared/flows/job-registry.ts`: job runners, for the jobs
 *    function) and the flow's Lambda entry (`functions/workers/<flow>.ts`). Tests, benchmarks and
 *    the simulators are left out, and so are the adapters' type imports of its `ports.ts` (rule 2).
 *    Shared flow-level modules that are not flows (order-events.ts, status/...) are not flow
 *    folders.
 * 2. Flows and adapters meet only at the ports: nothing in `shared/flows` imports `shared/queue`,
 *    `shared/store`, `shared/http`, `shared/wix` or `shared/erpnext`, and those import from the flows
 *    only types (`import type`): of a flow's `ports.ts`, or of a flow-level module
 *    (`shared/flows/<name>.ts`, what several flows share, such as the Wix order's shape).
 * 3. No import circles outside the simulators.
 *
 * Prints one line per flow (its outside importers) and every broken rule; exits 1 when a rule is
 * broken. A flow's imports of adapters and of other flows are reported apart (`pending`, the rules
 * the ports half of issue 17 made true) and fail the check like the others; `--strict`, once needed
 * for that, is accepted and changes nothing.
 * Imports are read with the TypeScript compiler's own pre-processor, so `import type` and
 * `export ... from` are seen as the compiler sees them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const SOURCE_DIRS = ["functions", "shared", "infra"];
/** Left out of every rule: the simulators follow the real systems, not our structure. */
const OUTSIDE_RULES = ["infra/sandbox/"];
const ADAPTERS = ["shared/queue/", "shared/store/", "shared/http/", "shared/wix/", "shared/erpnext/"];
const ALIASES: Record<string, string> = {
  "#shared/": "shared/",
  "#functions/": "functions/",
  "#infra/": "infra/",
};

export interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function resolveImport(from: string, specifier: string, files: Set<string>): string | undefined {
  let base: string | undefined;
  for (const [alias, dir] of Object.entries(ALIASES))
    if (specifier.startsWith(alias)) base = dir + specifier.slice(alias.length);
  if (!base && specifier.startsWith(".")) base = relative(ROOT, resolve(ROOT, dirname(from), specifier));
  if (!base) return undefined; // a package
  const stem = base.replace(/\.(js|ts)$/, "");
  return [`${stem}.ts`, `${stem}/index.ts`].find((candidate) => files.has(candidate));
}

/** Every import between the project's own source files. */
export function readImports(): Import[] {
  const list = SOURCE_DIRS.flatMap(sourceFiles);
  const files = new Set(list);
  const imports: Import[] = [];
  for (const from of list) {
    const text = readFileSync(join(ROOT, from), "utf8");
    const source = ts.createSourceFile(from, text, ts.ScriptTarget.ES2022, false);
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement);
      const isExport = ts.isExportDeclaration(statement);
      if (!isImport && !isExport) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const to = resolveImport(from, specifier.text, files);
      if (!to) continue;
      const typeOnly = isImport
        ? Boolean(
            statement.importClause?.isTypeOnly ||
              (statement.importClause &&
                !statement.importClause.name &&
                statement.importClause.namedBindings &&
                ts.isNamedImports(statement.importClause.namedBindings) &&
                statement.importClause.namedBindings.elements.length > 0 &&
                statement.importClause.namedBindings.elements.every((e) => e.isTypeOnly)),
          )
        : statement.isTypeOnly;
      imports.push({ from, to, typeOnly });
    }
  }
  return imports;
}

const flowOf = (file: string) => /^shared\/flows\/([^/]+)\//.exec(file)?.[1];
/** An adapter implementing a flow's port takes its types: the one way in that rule 2 allows. */
const isPortType = (i: Import) => i.typeOnly && i.to.endsWith("/ports.ts") && isAdapter(i.from);
/** What several flows share, beside their folders (the registries, which know every flow, are not). */
const isFlowLevel = (file: string) => /^shared\/flows\/[^/]+\.ts$/.test(file) && !REGISTRIES.includes(file);
const inSimulators = (file: string) => OUTSIDE_RULES.some((p) => file.startsWith(p));
const isAdapter = (file: string) => ADAPTERS.some((p) => file.startsWith(p));

export interface BoundaryReport {
  /** Per flow folder: the files outside it that import from it. */
  importers: Record<string, string[]>;
  problems: string[];
  /** A flow importing an adapter or another flow (the ports half's rules): fails like `problems`. */
  pending: string[];
}

/** The registries: the only files outside a flow's folder, with its Lambda entry, that may import it. */
export const REGISTRIES = ["shared/flows/registry.ts", "shared/flows/job-registry.ts"];

export function checkBoundaries(imports: Import[], flows: readonly string[]): BoundaryReport {
  const importers: Record<string, string[]> = {};
  const problems: string[] = [];
  const pending: string[] = [];
  for (const flow of flows) {
    const outside = [
      ...new Set(
        imports
          .filter((i) => flowOf(i.to) === flow && flowOf(i.from) !== flow && !inSimulators(i.from))
          // An adapter implementing the flow's ports is rule 2's to judge, not an importer of the flow.
          .filter((i) => !isPortType(i))
          .map((i) => i.from),
      ),
    ].sort();
    importers[flow] = outside;
    const allowed = new Set([...REGISTRIES, `functions/workers/${flow}.ts`]);
    const extra = outside.filter((f) => !allowed.has(f));
    const fromFlows = extra.filter((f) => flowOf(f) && flows.includes(flowOf(f) as string));
    const fromElsewhere = extra.filter((f) => !fromFlows.includes(f));
    if (fromElsewhere.length)
      problems.push(`flow ${flow} is imported from outside its folder by: ${fromElsewhere.join(", ")}`);
    if (fromFlows.length) pending.push(`flow ${flow} is imported by other flows: ${fromFlows.join(", ")}`);
  }
  for (const i of imports) {
    const fromFlow = i.from.startsWith("shared/flows/");
    const toAdapter = isAdapter(i.to);
    if (fromFlow && toAdapter) pending.push(`${i.from} imports the adapter ${i.to}`);
    const fromAdapter = isAdapter(i.from);
    const port = i.to.endsWith("/ports.ts") || isFlowLevel(i.to);
    if (fromAdapter && i.to.startsWith("shared/flows/") && !(i.typeOnly && port))
      problems.push(`${i.from} imports ${i.to} (adapters take only types from a flow's ports.ts)`);
  }
  for (const circle of circles(imports.filter((i) => !inSimulators(i.from) && !inSimulators(i.to))))
    problems.push(`import circle: ${circle.join(" -> ")}`);
  return { importers, problems, pending };
}

/** Strongly connected groups of two or more files (Tarjan), each as a path that closes. */
export function circles(imports: Import[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push([...group.sort(), group[0] as string]);
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The flow folders: every folder under shared/flows that holds a flow declaration (`flow.ts`). */
export function flowFolders(): string[] {
  return readdirSync(join(ROOT, "shared/flows")).filter((name) => {
    const dir = join(ROOT, "shared/flows", name);
    return statSync(dir).isDirectory() && readdirSync(dir).includes("flow.ts");
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const { importers, problems, pending } = checkBoundaries(readImports(), flowFolders());
  console.log("flow         source files outside its folder that import from it");
  for (const [flow, files] of Object.entries(importers))
    console.log(`${flow.padEnd(12)} ${files.length}: ${files.join(", ") || "-"}`);
  const broken = [...pending, ...problems];
  if (broken.length) {
    console.log(`\n${broken.length} problem(s):`);
    for (const p of broken) console.log(`  - ${p}`);
    process.exit(1);
  }
  console.log("\nevery flow is one folder; flows and adapters meet at the ports; no circles");
}
