/**
 * `npm run plan [-- --json] [--stock-threshold N]`: what the first sync would do, read-only,
 * against the configured ERPNext and Wix (the same environment variables as the integration; in
 * AWS, SECRET_ID for the credentials). With neither configured it plans against the running local
 * host's sandboxes (`npm start`), and says so. Every write is refused by the clients' test-mode
 * guard, so a plan can never change either side. Progress goes to stderr, the plan to stdout.
 */

import { planFirstSync, renderPlan } from "#functions/workers/products";
import { ErpnextClient } from "#shared/erpnext/client";
import { ConfigError, errorMessage } from "#shared/errors";
import { progress } from "#shared/ops/progress";
import { loadSettings } from "#shared/runtime/settings";
import { WixClient } from "#shared/wix/client";

const USAGE = "usage: npm run plan [-- --json] [--stock-threshold N]";

function parseArgs(argv: string[]): { json: boolean; stockThreshold: number } {
  let json = false;
  let stockThreshold = 10;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--stock-threshold" || arg?.startsWith("--stock-threshold=")) {
      const value = arg.includes("=") ? arg.split("=")[1] : argv[++i];
      stockThreshold = Number(value);
      if (!Number.isInteger(stockThreshold) || stockThreshold < 0)
        throw new ConfigError([`--stock-threshold: expected whole units, got "${value}"`]);
    } else throw new ConfigError([`unknown argument "${arg}"`, USAGE]);
  }
  return { json, stockThreshold };
}

/** With nothing configured: the local host's sandboxes, when one runs. */
async function sandboxEnv(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv | undefined> {
  if (env.ERPNEXT_URL || env.WIX_API_KEY || env.WIX_APP_ID) return undefined;
  const base = `http://127.0.0.1:${env.OPS_PORT || env.PORT || 3000}`;
  const sandbox = {
    ERPNEXT_URL: `${base}/sandbox/erpnext`,
    ERPNEXT_API_KEY: "sandbox-api-key",
    ERPNEXT_API_SECRET: "sandbox-api-secret",
    ERPNEXT_WEBHOOK_SECRET: "sandbox-webhook-secret",
    WIX_API_URL: `${base}/sandbox/wix`,
    WIX_API_KEY: "sandbox-wix-api-key",
    WIX_SITE_ID: "sandbox-site-id",
  };
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
  return { ...env, ...sandbox };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const env = (await sandboxEnv(process.env)) ?? process.env;
  const settings = await loadSettings(env);
  // Read-only by construction: the test-mode guard refuses any write before it is sent.
  const refuse = () => undefined;
  const erpnext = new ErpnextClient({ ...settings.erpnext, onWithheldWrite: refuse });
  const wix = new WixClient({ ...settings.wix, onWithheldWrite: refuse });
  const plan = await planFirstSync(
    { erpnext, wix, settings },
    { stockThreshold: args.stockThreshold },
    (total) => progress("plan", total || undefined),
  );
  if (args.json) console.log(JSON.stringify(plan, null, 2));
  else
    console.log(
      `${renderPlan(plan)}\n\n(planned as a first sync: items Wix has under the same SKU are linked, the rest created)`,
    );
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : `plan failed: ${errorMessage(error)}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
