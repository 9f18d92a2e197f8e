import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { SyncPlan } from "#shared/flows/products/first-sync";
import { type Harness, handMadeWixProduct, startHarness } from "./harness";

const run = promisify(execFile);

/**
 * `npm run plan` against the local host's sandboxes: a catalog planted with one conflict of each
 * kind; each is reported, the counts are right, and neither sandbox is written to.
 */
describe("npm run plan", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    plant(h);
  });
  afterAll(() => h.host.stop());

  it("reports every planted conflict and the counts, as --json, writing nothing", async () => {
    const erpnextWrites = h.erpnext.calls.writes;
    const wixBefore = JSON.stringify(h.wix.snapshot());
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(h.host.port),
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    for (const k of Object.keys(env)) if (/^(ERPNEXT_|WIX_|OPS_PORT$)/.test(k)) delete env[k];
    const { stdout, stderr } = await run(
      "npx",
      ["tsx", "infra/local/first-sync-plan.ts", "--json", "--stock-threshold", "5"],
      { env, timeout: 60_000 },
    );
    expect(stderr).toContain("planning against the local host's sandboxes");
    const plan = JSON.parse(stdout) as SyncPlan & { catalogVersion: string };
    expect(plan.catalogVersion).toBe("V3_CATALOG");

    expect(plan.counts).toMatchObject({ create: 3, link: 2, "not-published": 2 });
    const of = (kind: string) => plan.conflicts.filter((c) => c.kind === kind).map((c) => c.item);
    expect(of("duplicate-sku")).toEqual(["P-DUP"]);
    expect(of("no-sku-same-name")).toEqual(["P-LOOK"]);
    expect(of("no-price")).toEqual(["P-NOPRICE"]);
    expect(of("over-limit")).toEqual(["P-LONG"]);
    expect(of("variant-attributes")).toEqual(["P-TPL"]);
    expect(of("new-category")).toEqual(["Products"]);
    expect(of("stock-change")).toEqual(["P-LINK"]);

    expect(h.erpnext.calls.writes).toBe(erpnextWrites);
    expect(JSON.stringify(h.wix.snapshot())).toBe(wixBefore);
  }, 90_000);
});

/** Imported the Data Import way (no webhooks), so nothing syncs before the plan. */
function plant(h: Harness): void {
  const item = (code: string, extra: Record<string, unknown> = {}, price: number | null = 9.5) => {
    h.erpnext.importDoc("Item", {
      item_code: code,
      item_name: `Item ${code}`,
      item_group: "Products",
      stock_uom: "Nos",
      is_stock_item: 1,
      is_sales_item: 1,
      ...extra,
    });
    if (price !== null)
      h.erpnext.importDoc("Item Price", {
        item_code: code,
        price_list: "Standard Selling",
        price_list_rate: price,
        uom: "Nos",
      });
  };
  item("P-NEW");
  item("P-NOPRICE", {}, null);
  item("P-LONG", { item_name: `The ${"extraordinarily ".repeat(6)}long poster` });
  item("P-LOOK", { item_name: "Sunset Poster" });
  // Wix sells P-LINK with 2 in stock; ERPNext has 40.
  item("P-LINK");
  h.erpnext.moveBin("P-LINK", "Stores - SC", { actual: 40 });
  h.wix.create(
    {
      name: "Listing P-LINK",
      productType: "PHYSICAL",
      physicalProperties: {},
      variantsInfo: {
        variants: [
          {
            sku: "P-LINK",
            choices: [],
            price: { actualPrice: { amount: "9.50" } },
            physicalProperties: {},
            inventoryItem: { quantity: 2 },
          },
        ],
      },
    },
    true,
  );
  // Two Wix products carry P-DUP (a catalog migrated from V1 may).
  item("P-DUP");
  handMadeWixProduct(h.wix, "P-DUP", "First P-DUP");
  const second = handMadeWixProduct(h.wix, "P-DUP-2", "Second P-DUP");
  const stored = h.wix.products.get(second.id as string);
  if (stored?.variantsInfo.variants[0]) stored.variantsInfo.variants[0].sku = "P-DUP";
  // A Wix product with no SKU, named like P-LOOK.
  h.wix.create({
    name: "Sunset Poster",
    productType: "PHYSICAL",
    physicalProperties: {},
    variantsInfo: {
      variants: [{ choices: [], price: { actualPrice: { amount: "5.00" } }, physicalProperties: {} }],
    },
  });
  // A template whose second variant has no Colour.
  item("P-TPL", { has_variants: 1, attributes: [{ attribute: "Colour" }] });
  item(
    "P-TPL-R",
    { variant_of: "P-TPL", attributes: [{ attribute: "Colour", attribute_value: "Red" }] },
    null,
  );
  item("P-TPL-X", { variant_of: "P-TPL", attributes: [] }, null);
}
