import { build } from "esbuild";
import { ESBUILD, type FunctionSpec } from "./functions";

export interface Bundle {
  code: Uint8Array;
  kb: number;
  /** The npm packages inside (the AWS SDK is external: the Lambda runtime ships it). */
  packages: Set<string>;
}

/**
 * One function bundled as `cdk deploy` bundles it (infra/cdk/sync-function.ts: the ESBUILD
 * options, CommonJS), without its source map: what `npm run bench` reports and the budget test
 * checks.
 */
export async function bundleFunction(spec: FunctionSpec, root = process.cwd()): Promise<Bundle> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [spec.entry],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: ESBUILD.target,
    minify: ESBUILD.minify,
    external: [...ESBUILD.externalModules],
    outfile: "index.js",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced nothing for ${spec.entry}`);
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = input.split("node_modules/").at(-1) ?? "";
    if (path === input) continue; // our own source
    const [scope = "", name = ""] = path.split("/");
    packages.add(scope.startsWith("@") ? `${scope}/${name}` : scope);
  }
  return { code: output.contents, kb: output.contents.length / 1024, packages };
}
