import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { DEFAULT_LOCATION_ID } from "#infra/sandbox/wix/index";
import { createItem, type Harness, importItems, startHarness } from "./harness";

/** A site whose ERPNext warehouses feed the Wix store's default location (WIX_LOCATION_ID). */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ ERPNEXT_WAREHOUSES: "Stores - SC", WIX_LOCATION_ID: DEFAULT_LOCATION_ID });
});
afterAll(async () => {
  await h.host.stop();
});

const SHOP = "7c2d9e40-3b1a-4f6e-8d05-2a9b1c3e4f06";

describe("stock to one Wix location", () => {
  test("more inventory items than one query page: every item is read and updated", async () => {
    // prepare: 120 products, Wix answering 50 inventory items a page (no hasNext, only cursors)
    const codes = importItems(h.erpnext, "PAGE", 120);
    await h.request("POST", "/jobs/product-catchup");
    await h.host.drain(120_000);
    h.wix.inventoryPageSize = 50;
    for (const code of codes) h.erpnext.moveBin(code, "Stores - SC", { actual: 3 });
    // act
    await h.request("POST", "/jobs/inventory-delta");
    await h.host.drain();
    // assess
    expect(codes.filter((c) => h.wix.inventoryForSku(c)?.quantity !== 3)).toEqual([]);
    h.wix.inventoryPageSize = 1000;
  }, 120_000);

  test("the sandbox answers Query Inventory Items as Wix does: {count, cursors}, no hasNext, <= 1,000 a page", async () => {
    const headers = {
      authorization: h.host.env.WIX_API_KEY ?? "",
      "wix-site-id": h.host.env.WIX_SITE_ID ?? "",
    };
    const path = "/sandbox/wix/stores/v3/inventory-items/query";
    createItem(h.erpnext, "SHAPE-1", 10);
    createItem(h.erpnext, "SHAPE-2", 10);
    await h.host.drain();
    h.wix.inventoryPageSize = 1;
    const first = await h.request("POST", path, { query: { cursorPaging: { limit: 1000 } } }, headers);
    const paging = (first.body as { pagingMetadata: { cursors: { next?: string } } }).pagingMetadata;
    h.wix.inventoryPageSize = 1000;
    expect(first.status).toBe(200);
    expect(Object.keys(paging).sort()).toEqual(["count", "cursors"]);
    expect(paging).toMatchObject({ count: 1, cursors: { next: expect.any(String) } });
    const tooMany = await h.request("POST", path, { query: { cursorPaging: { limit: 1001 } } }, headers);
    expect(tooMany.status).toBe(400);
  });

  test("a site with two locations: only the configured one is pushed, the other keeps its stock", async () => {
    // prepare: the product exists; then the merchant opens a shop location holding 50 of everything
    createItem(h.erpnext, "LOC-1", 10);
    await h.host.drain();
    h.wix.addLocation(SHOP, 50);
    h.erpnext.insert("Stock Entry", {
      docstatus: 1,
      items: [{ item_code: "LOC-1", qty: 7, t_warehouse: "Stores - SC" }],
    });
    // act
    await h.host.drain();
    await h.request("POST", "/jobs/inventory-reconcile");
    await h.host.drain();
    // assess
    expect(h.wix.inventoryForSku("LOC-1", DEFAULT_LOCATION_ID)?.quantity).toBe(7);
    expect(h.wix.inventoryForSku("LOC-1", SHOP)?.quantity).toBe(50);
  });

  test("a variant with no item at the configured location gets one there, not elsewhere", async () => {
    // prepare: a product known to Wix only at the shop location
    createItem(h.erpnext, "LOC-2", 10);
    await h.host.drain();
    const atDefault = h.wix.inventoryForSku("LOC-2", DEFAULT_LOCATION_ID);
    h.wix.inventory.delete(atDefault?.id as string);
    h.wix.addLocation(SHOP, 9);
    h.erpnext.moveBin("LOC-2", "Stores - SC", { actual: 4 });
    // act
    const ctx = await h.host.context();
    const result = await ctx.inventory.syncItems(["LOC-2"]);
    // assess
    expect(result).toMatchObject({ created: 1, failed: [] });
    expect(h.wix.inventoryForSku("LOC-2", DEFAULT_LOCATION_ID)?.quantity).toBe(4);
    expect(h.wix.inventoryForSku("LOC-2", SHOP)?.quantity).toBe(9);
  });
});
