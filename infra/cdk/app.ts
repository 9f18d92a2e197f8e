import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ErpnextWixSyncStack } from "./stack";

/**
 * `cdk synth` / `cdk deploy`. Context parameters (cdk.json or -c):
 *   secretArn   import an existing Secrets Manager secret instead of creating one
 *   alarmEmail  subscribe this address to the alarm topic
 *   settings    object of non-secret settings, e.g. {"ERPNEXT_URL": "...", "ERPNEXT_COMPANY": "..."}
 *   sites       several Wix sites: the sites file's entries without secrets, [{"name": "us", ...}]
 *   sitesFile   the same read from a JSON file at synth (-c sitesFile=sites.json); wins over `sites`
 * Adding or removing a site is a change of `sites` (or of the file) and a `cdk deploy`.
 */
const app = new App();
const settings = app.node.tryGetContext("settings");
const sitesFile = app.node.tryGetContext("sitesFile");
const sites = sitesFile ? JSON.parse(readFileSync(sitesFile, "utf8")) : app.node.tryGetContext("sites");
new ErpnextWixSyncStack(app, "ErpnextWixSync", {
  projectRoot: fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, ""),
  secretArn: app.node.tryGetContext("secretArn") || undefined,
  alarmEmail: app.node.tryGetContext("alarmEmail") || undefined,
  settings: typeof settings === "string" ? JSON.parse(settings) : settings,
  sites: typeof sites === "string" ? JSON.parse(sites) : sites || undefined,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
