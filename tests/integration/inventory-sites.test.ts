import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { DEFAULT_LOCATION_ID } from "#infra/sandbox/wix/index";
import { createItem, type Harness, startHarness } from "./harness";

/**
 * Two sites on one ERPNext: "default" sells from Stores at the store's default location, "eu" from
 * the Backroom at its own location. Both point at the one sandbox Wix store (the eu site links the
 * products the default site made), which is enough to see each site's stock and what ERPNext pays.
 */
const EU_LOCATION = "0b7e2c1a-6d4f-4e3b-9a58-1f2e3d4c5b6a";

let h: Harness;
// Imported once the host has set the environment (the logger reads its level on import).
let runtime: typeof import("#shared/runtime/core");
let resetContext: () => void;
beforeAll(async () => {
  h = await startHarness({
    ERPNEXT_WAREHOUSES: "Stores - SC",
    WIX_LOCATION_ID: DEFAULT_LOCATION_ID,
    WIX_INSTANCE_ID: "inventory-sites-default",
  });
  runtime = await import("#shared/runtime/core");
  ({ resetContext } = await import("#infra/local/context"));
});
afterAll(async () => {
  delete process.env.SITES;
  resetContext();
  await h.host.stop();
});

/** Every site's cores share one ERPNext client: its reads, however many sites. */
const erpnextReads = async () => ((await runtime.getCores())[0]?.erpnext.http.stats.reads ?? 0) as number;

/**
 * ERPNext reads made while a stock change syncs: 3 more in the Backroom (a Bin moves without a
 * webhook), then a received Stock Entry of 2 into Stores (one Stock Ledger Entry webhook).
 */
async function readsForStockChange(code: string): Promise<number> {
  const before = await erpnextReads();
  h.erpnext.moveBin(code, "Backroom - SC", { actual: 3 });
  h.erpnext.insert("Stock Entry", {
    docstatus: 1,
    items: [{ item_code: code, qty: 2, t_warehouse: "Stores - SC" }],
  });
  await h.host.drain();
  return (await erpnextReads()) - before;
}

const qty = (code: string, location: string) => h.wix.inventoryForSku(code, location)?.quantity;

describe("stock per site", () => {
  test("each site gets its own warehouses' stock at its own location; two sites cost ERPNext no more than 1.3x one", async () => {
    // prepare: one site; the product is made and its stock known
    createItem(h.erpnext, "SITES-1", 10);
    await h.host.drain();
    const oneSite = await readsForStockChange("SITES-1");
    expect(qty("SITES-1", DEFAULT_LOCATION_ID)).toBe(2);
    // a second site joins: its own warehouse and location; it links the product by SKU
    h.wix.addLocation(EU_LOCATION, 0);
    process.env.SITES = JSON.stringify([
      { name: "default" },
      {
        name: "eu",
        WIX_INSTANCE_ID: "inventory-sites-eu",
        ERPNEXT_WAREHOUSES: ["Backroom - SC"],
        WIX_LOCATION_ID: EU_LOCATION,
      },
    ]);
    resetContext();
    await h.erpnextWebhook({ doctype: "Item", name: "SITES-1" });
    await h.host.drain();
    expect(qty("SITES-1", EU_LOCATION)).toBe(3);
    // act: the same change again, now for two sites
    const twoSites = await readsForStockChange("SITES-1");
    // assess
    expect(qty("SITES-1", DEFAULT_LOCATION_ID)).toBe(4);
    expect(qty("SITES-1", EU_LOCATION)).toBe(6);
    expect(oneSite).toBeGreaterThan(0);
    expect(twoSites).toBeLessThanOrEqual(oneSite * 1.3);
  });
});
