/**
 * `npm run plan [-- --json] [--stock-threshold N] [--site NAME]`: what the first sync would do,
 * read-only, against the configured ERPNext and Wix (the same environment variables as the
 * integration, SITES_FILE for several sites; in AWS, SECRET_ID for the credentials). With several
 * sites every site is planned (or the one named), each under its name. With neither configured it plans against the running local
 * host's sandboxes (`npm start`), and says so. Every write is refused by the clients' test-mode
 * guard, so a plan can never change either side. Progress goes to stderr, the plan to stdout.
 */

import { planFirstSync, renderPlan } from "#functions/workers/products";
import type { Settings } from "#shared/config/settings";
import { ErpnextClient } from "#shared/erpnext/client";
import { ConfigError, errorMessage } from "#shared/errors";
import { catalogName } from "#shared/ops/catalog-check";
import { progress } from "#shared/ops/progress";
import { unknownSite } from "#shared/ops/sites";
import { siteCatalog } from "#shared/runtime/core";
import { loadSites } from "#shared/runtime/settings";
import { WixClient } from "#shared/wix/client";
import { useHostSandboxes } from "./bootstrap";

const USAGE = "usage: npm run plan [-- --json] [--stock-threshold N] [--site NAME]";

function parseArgs(argv: string[]): { json: boolean; stockThreshold: number; site?: string } {
  let json = false;
  let stockThreshold = 10;
  let site: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--site" || arg?.startsWith("--site=")) {
      site = arg.includes("=") ? arg.split("=")[1] : argv[++i];
      if (!site) throw new ConfigError(["--site: expected a site name", USAGE]);
    } else if (arg === "--stock-threshold" || arg?.startsWith("--stock-threshold=")) {
      const value = arg.includes("=") ? arg.split("=")[1] : argv[++i];
      stockThreshold = Number(value);
      if (!Number.isInteger(stockThreshold) || stockThreshold < 0)
        throw new ConfigError([`--stock-threshold: expected whole units, got "${value}"`]);
    } else throw new ConfigError([`unknown argument "${arg}"`, USAGE]);
  }
  return { json, stockThreshold, site };
}

/** With nothing configured: the local host's sandboxes, when one runs. */
async function sandboxEnv(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv | undefined> {
  if (env.ERPNEXT_URL || env.WIX_API_KEY || env.WIX_APP_ID || env.SITES_FILE || env.SITES) return undefined;
  const base = `http://127.0.0.1:${env.OPS_PORT || env.PORT || 3000}`;
  // As the host has them: with its SANDBOX_SITES, each sandbox Wix site is a site.
  const sandbox = { ...env };
  useHostSandboxes(sandbox, base);
  const up = await fetch(`${sandbox.ERPNEXT_URL}/api/method/frappe.auth.get_logged_user`, {
    headers: { authorization: `token ${sandbox.ERPNEXT_API_KEY}:${sandbox.ERPNEXT_API_SECRET}` },
  }).then(
    (r) => r.ok,
    () => false,
  );
  if (!up)
    throw new ConfigError([
      `no ERPNext or Wix configured, and no local host answers on ${base}`,
      "point it at your systems: ERPNEXT_URL, ERPNEXT_API_KEY, ERPNEXT_API_SECRET, ERPNEXT_WEBHOOK_SECRET and WIX_API_KEY + WIX_SITE_ID (or the WIX_APP_* values)",
      "or start the local host with its sandboxes (npm start) and run npm run plan again (same PORT / OPS_PORT)",
    ]);
  console.error(
    `no ERPNext or Wix configured: planning against the local host's sandboxes at ${base}/sandbox`,
  );
  return sandbox;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = (await sandboxEnv(process.env)) ?? process.env;
  const sites = await loadSites(env);
  const siteProblem = unknownSite(
    sites.map((s) => s.site),
    args.site,
  );
  if (siteProblem) throw new ConfigError([`--site: ${siteProblem}`]);
  const chosen = sites.filter((s) => args.site === undefined || s.site === args.site);
  // Read-only by construction: the test-mode guard refuses any write before it is sent.
  const refuse = () => undefined;
  const erpnext = new ErpnextClient({ ...(sites[0] as Settings).erpnext, onWithheldWrite: refuse });
  const plans: Record<string, Awaited<ReturnType<typeof planFirstSync>> & { catalogVersion: string }> = {};
  for (const settings of chosen) {
    const wix = new WixClient({ ...settings.wix, onWithheldWrite: refuse });
    // The site's catalog version (V1 or V3) decides how its products are read and written.
    const catalogVersion = await wix.catalogVersion({ probe: true });
    // Every site's settings: the plan leaves out what another site sells, as the sync does.
    const plan = await planFirstSync(
      { erpnext, catalog: siteCatalog(wix, settings.site), settings },
      { stockThreshold: args.stockThreshold, sites },
      (total) => progress(sites.length > 1 ? `plan ${settings.site}` : "plan", total || undefined),
    );
    plans[settings.site] = { catalogVersion, ...plan };
  }
  // One site (no SITES_FILE): the plan as ever; several: each under its site's name.
  const single = sites.length === 1 ? plans[(sites[0] as Settings).site] : undefined;
  if (args.json) console.log(JSON.stringify(single ?? plans, null, 2));
  else
    console.log(
      `${Object.entries(plans)
        .map(([site, plan]) => {
          const catalog = `Wix catalog: ${catalogName(plan.catalogVersion)}\n${renderPlan(plan)}`;
          return single ? catalog : `== site ${site} ==\n${catalog}`;
        })
        .join(
          "\n\n",
        )}\n\n(planned as a first sync: items Wix has under the same SKU are linked, the rest created)`,
    );
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : `plan failed: ${errorMessage(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
