import { fileURLToPath } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ErpnextWixSyncStack } from "./stack";

/**
 * `cdk synth` / `cdk deploy`. Context parameters (cdk.json or -c):
 *   secretArn   import an existing Secrets Manager secret instead of creating one
 *   alarmEmail  subscribe this address to the alarm topic
 *   settings    object of non-secret settings, e.g. {"ERPNEXT_URL": "...", "ERPNEXT_COMPANY": "..."}
 */
const app = new App();
const settings = app.node.tryGetContext("settings");
new ErpnextWixSyncStack(app, "ErpnextWixSync", {
  projectRoot: fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, ""),
  secretArn: app.node.tryGetContext("secretArn") || undefined,
  alarmEmail: app.node.tryGetContext("alarmEmail") || undefined,
  settings: typeof settings === "string" ? JSON.parse(settings) : settings,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
