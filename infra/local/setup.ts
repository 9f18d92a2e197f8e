import type { Settings } from "#shared/config/settings";
import { ErpnextClient } from "#shared/erpnext/client";
import { ConfigError, errorMessage } from "#shared/errors";
import { describeFindings, explainHealth } from "#shared/ops/doctor";
import type { HealthReport, SitesHealthReport } from "#shared/ops/health-checks";
import { progress } from "#shared/ops/progress";
import { pickSites, siteArg } from "#shared/ops/sites";
import { ONE_TRY } from "#shared/resilience/retry";
import { siteCatalog } from "#shared/runtime/core";
import { loadSites } from "#shared/runtime/settings";
import { describeProblems } from "#shared/setup/document-plan";
import { describeSetup, runSetup, type SetupDeps } from "#shared/setup/setup";
import { webhookName } from "#shared/setup/webhooks";
import { setupWixOf, wixInstructions } from "#shared/setup/wix";
import { WixClient } from "#shared/wix/client";
import { useHostSandboxes } from "./bootstrap";

/**
 * `npm run setup [-- --url <webhook url>] [--dry-run]` and `npm run doctor [-- --health <url>]`,
 * each with `--site NAME` (several Wix sites, SITES_FILE): ERPNext's Webhooks and Custom Fields
 * are made once for every site; each site's masters, Wix and health are checked under its name,
 * every site's without --site.
 *
 * Reads the same settings as the hosts (the environment; with SECRET_ID, the deployed stack's
 * Secrets Manager secret too), so it works against the real systems and the deployed stack:
 *   SECRET_ID=<SecretArn> ERPNEXT_URL=... npm run setup -- --url <ErpnextWebhookUrl>
 * With no ERPNEXT_URL / Wix credentials it talks to the sandboxes of a running `npm start`.
 */
const args = process.argv.slice(2);
const command = args[0];
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at > 0 ? args[at + 1] : undefined;
};
/** `--site NAME`: that site only; without it every site (checked once the settings are read). */
let site: string | undefined;

const port = process.env.PORT || 3000;
const localBase = `http://127.0.0.1:${port}`;
const opsBase = `http://127.0.0.1:${process.env.OPS_PORT || port}`;

/** A site's Wix as setup reads it: its catalog on the version it runs (V3 or V1). */
const setupWix = (client: WixClient, site: string) => setupWixOf(client, siteCatalog(client, site));

async function deps(
  webhookUrl: string | undefined,
): Promise<{ setup: Omit<SetupDeps, "webhookUrl">; url?: string; sandbox: boolean }> {
  const env: Record<string, string | undefined> = { ...process.env };
  // With SECRET_ID (the deployed stack's) nothing is a sandbox.
  const sandbox = !env.SECRET_ID && useHostSandboxes(env, opsBase);
  const all = await loadSites(env);
  const chosen = pickSites(all, site);
  // One try per call: a refused right (403) is a finding to report, not an outage to wait out.
  const erpnext = new ErpnextClient({ ...(all[0] as Settings).erpnext, retry: ONE_TRY });
  const sites = chosen.map((settings) => ({
    site: settings.site,
    settings,
    wix: setupWix(new WixClient({ ...settings.wix, retry: ONE_TRY }), settings.site),
  }));
  const first = sites[0] as (typeof sites)[number];
  const url = webhookUrl ?? (sandbox ? `${localBase}/webhooks/erpnext` : undefined);
  return {
    setup: { erpnext, wix: first.wix, settings: first.settings, ...(all.length > 1 ? { sites } : {}) },
    url,
    sandbox,
  };
}

/** The Wix callback next to the ERPNext one (both routes of one API: infra/routes.ts). */
const wixUrlFor = (erpnextUrl?: string) =>
  erpnextUrl?.endsWith("/webhooks/erpnext") ? erpnextUrl.replace(/erpnext$/, "wix") : undefined;

async function setup(): Promise<number> {
  const { setup: d, url } = await deps(option("--url"));
  if (!url) {
    console.error(
      "setup: pass --url <webhook url>: the public https://<host>/webhooks/erpnext of the local host, or the ErpnextWebhookUrl output of the AWS stack",
    );
    return 2;
  }
  const bar = progress(flag("--dry-run") ? "setup (dry run)" : "setup");
  const result = await runSetup(
    { ...d, webhookUrl: url, tick: (note) => bar.tick(1, note) },
    { dryRun: flag("--dry-run") },
  );
  bar.done();
  console.log(`ERPNext webhooks send to ${url}`);
  console.log(describeSetup(result));
  console.log("");
  const versions = result.wixCatalogVersions ?? { site: result.wixCatalogVersion };
  console.log(wixInstructions(wixUrlFor(url), versions).join("\n"));
  return result.problems.length || result.failed.length ? 1 : 0;
}

async function doctor(): Promise<number> {
  const healthUrl = option("--health") ?? `${localBase}/health`;
  // The settings first: an unknown --site is refused before anything is checked.
  const { setup: d, url: given } = await deps(option("--url"));
  let unhealthy = false;
  console.log(`health (${healthUrl}):`);
  try {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(30_000) });
    const report = (await res.json()) as HealthReport | SitesHealthReport;
    const findings = explainHealth(report, site);
    unhealthy = findings.some((f) => !f.ok);
    console.log(`  status ${report.status}, checked at ${report.checkedAt}`);
    console.log(describeFindings(findings).join("\n"));
  } catch (error) {
    unhealthy = true;
    console.log(`  !!  no health report: ${errorMessage(error)}`);
    console.log("       do: start the host (npm start), or pass --health <HealthUrl output>");
  }

  // Without --url, check against the URL setup wrote last time (its own Webhook documents).
  const url =
    given ??
    (
      await d.erpnext
        .find<{ request_url?: string }>("Webhook", webhookName("Item", "on_update"))
        .catch(() => undefined)
    )?.request_url;
  console.log("\nsetup checks:");
  const bar = progress("doctor");
  const result = await runSetup(
    { ...d, webhookUrl: url ?? "https://not-set-up.invalid/webhooks/erpnext", tick: (n) => bar.tick(1, n) },
    { dryRun: true },
  );
  bar.done();
  const pending = result.actions.filter((a) => a.kind !== "unchanged");
  if (result.problems.length) console.log(describeProblems(result.problems));
  if (!url)
    console.log(
      "  !!  no Webhook documents made by setup\n       do: npm run setup -- --url <public /webhooks/erpnext URL>",
    );
  else if (pending.length)
    console.log(
      `  !!  ${pending.length} Webhook / Custom Field document(s) differ from what the flows need\n       do: npm run setup${given ? ` -- --url ${given}` : ` -- --url ${url}`} (add --dry-run to see the list first)`,
    );
  else
    console.log(
      "  ok  ERPNext masters, accounts, roles, Webhook and Custom Field documents as the flows need them",
    );
  for (const note of result.notes) console.log(`  note: ${note}`);
  return unhealthy || result.problems.length || pending.length || !url ? 1 : 0;
}

async function main(): Promise<void> {
  site = siteArg(args);
  if (command === "setup") process.exit(await setup());
  if (command === "doctor") process.exit(await doctor());
  console.error(
    "usage: setup.ts setup [--url <webhook url>] [--dry-run] [--site NAME] | setup.ts doctor [--url <webhook url>] [--health <url>] [--site NAME]",
  );
  process.exit(2);
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else {
    const reason = errorMessage(error);
    console.error(
      reason.includes("fetch failed") ? `${reason}: is the local host running (npm start)?` : reason,
    );
  }
  process.exit(1);
});
