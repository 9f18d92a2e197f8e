import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { SyncPlan } from "#shared/flows/products/first-sync";
import { type Harness, startHarness } from "./harness";

const run = promisify(execFile);

/**
 * `npm run plan` with several sites (SITES_FILE): each site planned under its name with its own
 * price list and item groups, as the sync would publish; `--site NAME` plans that one only.
 */
describe("npm run plan with several sites", () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await startHarness();
    const wix = {
      WIX_API_URL: `${h.host.url}/sandbox/wix`,
      WIX_API_KEY: "sandbox-wix-api-key",
      WIX_SITE_ID: "sandbox-site-id",
    };
    const sitesFile = join(mkdtempSync(join(tmpdir(), "plan-sites-")), "sites.json");
    writeFileSync(
      sitesFile,
      JSON.stringify([
        { name: "us", ...wix, WIX_INSTANCE_ID: "instance-us" },
        {
          name: "eu",
          ...wix,
          WIX_INSTANCE_ID: "instance-eu",
          ERPNEXT_PRICE_LIST: "EU Selling",
          ERPNEXT_ITEM_GROUPS: ["Drinkware"],
        },
      ]),
    );
    env = { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" };
    for (const k of Object.keys(env)) if (/^(ERPNEXT_|WIX_|SITES)/.test(k)) delete env[k];
    Object.assign(env, {
      SITES_FILE: sitesFile,
      ERPNEXT_URL: `${h.host.url}/sandbox/erpnext`,
      ERPNEXT_API_KEY: "sandbox-api-key",
      ERPNEXT_API_SECRET: "sandbox-api-secret",
      ERPNEXT_WEBHOOK_SECRET: "plan-sites-secret",
    });
    plant(h);
  });
  afterAll(() => h.host.stop());

  const plan = async (...args: string[]) => {
    const { stdout } = await run("npx", ["tsx", "infra/local/first-sync-plan.ts", "--json", ...args], {
      env,
      timeout: 60_000,
    });
    return JSON.parse(stdout) as Record<string, SyncPlan>;
  };
  const actions = (p: SyncPlan | undefined) =>
    Object.fromEntries((p?.items ?? []).map((i) => [i.item, i.action]));

  it("plans every site under its name: each publishes what its price list and groups sell", async () => {
    const plans = await plan();
    expect(Object.keys(plans)).toEqual(["us", "eu"]);
    expect(actions(plans.us)).toEqual({
      "S-BOTH": "create",
      "S-US": "create",
      "S-EU": "not-published",
      "S-TEE": "create",
    });
    expect(actions(plans.eu)).toEqual({
      "S-BOTH": "create",
      "S-US": "not-published",
      "S-EU": "create",
      "S-TEE": "not-published",
    });
    const reason = (p: SyncPlan | undefined, item: string) => p?.items.find((i) => i.item === item)?.reason;
    expect(reason(plans.us, "S-EU")).toBe(
      "not for sale on this site: not in price list Standard Selling (for sale on eu)",
    );
    expect(reason(plans.eu, "S-TEE")).toBe(
      "not for sale on this site: item group Apparel is not among Drinkware",
    );
    // Another site's item is no conflict for a person here.
    expect(plans.us?.conflicts.filter((c) => c.kind === "no-price")).toEqual([]);
  }, 90_000);

  it("--site NAME plans that site only; an unknown name is refused", async () => {
    expect(Object.keys(await plan("--site", "eu"))).toEqual(["eu"]);
    await expect(plan("--site", "mars")).rejects.toMatchObject({ code: 2 });
  }, 90_000);
});

/** Imported the Data Import way (no webhooks), so nothing syncs before the plan. */
function plant(h: Harness): void {
  // "EU Selling" is one of the sandbox ERPNext's price lists (infra/sandbox/erpnext/masters.ts).
  h.erpnext.importDoc("Item Group", { name: "Drinkware", parent_item_group: "All Item Groups" });
  h.erpnext.importDoc("Item Group", { name: "Travel Mugs", parent_item_group: "Drinkware" });
  const item = (code: string, group: string, lists: string[]) => {
    h.erpnext.importDoc("Item", { item_code: code, item_name: code, item_group: group, stock_uom: "Nos" });
    for (const list of lists)
      h.erpnext.importDoc("Item Price", {
        item_code: code,
        price_list: list,
        price_list_rate: 8,
        uom: "Nos",
      });
  };
  item("S-BOTH", "Travel Mugs", ["Standard Selling", "EU Selling"]);
  item("S-US", "Travel Mugs", ["Standard Selling"]);
  item("S-EU", "Drinkware", ["EU Selling"]);
  item("S-TEE", "Apparel", ["Standard Selling", "EU Selling"]);
}
