import { beforeEach, describe, expect, test } from "@jest/globals";
import { InventorySync } from "#shared/flows/inventory/sync";
import type { CatalogVersion, WixVariantMatch } from "#shared/flows/wix-catalog";
import { FakeErpnext, FakeLog, FakeState, FakeWix } from "./fakes";

/** The stock push on a site Wix converted from Catalog V1 to V3 (shared/flows/catalog-version.ts). */
describe("InventorySync after a V1 -> V3 conversion", () => {
  let erpnext: FakeErpnext;
  let wix: FakeWix;
  let state: FakeState;
  let version: CatalogVersion;
  let asked: string[][];
  /** The V3 catalog's variants, by SKU. */
  let v3Variants: WixVariantMatch[];

  const sync = () =>
    new InventorySync({
      erpnext,
      wix,
      catalog: {
        catalogVersion: async () => version,
        findVariantsBySku: async (skus) => {
          asked.push(skus);
          return v3Variants.filter((v) => skus.includes(v.sku ?? ""));
        },
      },
      state,
      log: new FakeLog(),
      warehouses: [],
      locationId: "loc-eu",
    });

  beforeEach(() => {
    erpnext = new FakeErpnext();
    wix = new FakeWix();
    state = new FakeState();
    asked = [];
    // MUG under new ids after the conversion.
    v3Variants = [
      { sku: "MUG", variantId: "v3-variant", productData: { productId: "v3-product", revision: "4" } },
    ];
    erpnext.seed("Bin", {
      name: "MUG-Stores",
      item_code: "MUG",
      warehouse: "Stores - SL",
      actual_qty: 9,
      reserved_qty: 0,
      modified: "2025-03-01 10:00:00",
    });
    // Mapped on V1: V1's product and variant ids, revision and inventory item, read back with the
    // store's revision guard beside them (shared/store/repos/mappings.ts putIfNewer).
    state.mappings.set("MUG", {
      itemCode: "MUG",
      productId: "v1-product",
      variantId: "v1-variant",
      revision: "1733000000000",
      inventoryItemId: "v1-product",
      catalog: "V1",
      ...{ wixRevision: 1733000000000 },
      createdAt: "2025-01-01T00:00:00.000Z",
      updatedAt: "2025-01-01T00:00:00.000Z",
    });
  });

  test("on V3 a V1 mapping is re-linked by SKU first: the stock is created under V3's ids, never V1's", async () => {
    version = "V3_CATALOG";
    const result = await sync().syncItems(["MUG"]);
    expect(result.created).toBe(1);
    expect(wix.writes).toEqual([
      {
        kind: "create",
        items: [{ productId: "v3-product", variantId: "v3-variant", quantity: 9, locationId: "loc-eu" }],
      },
    ]);
    const mapping = state.mappings.get("MUG");
    expect(mapping).toMatchObject({ productId: "v3-product", variantId: "v3-variant", quantity: 9 });
    expect(mapping?.catalog).toBeUndefined();
    expect(mapping?.inventoryItemId).not.toBe("v1-product");
    // Nothing of V1's revision is written back: it would make the store refuse V3's (lower) ones.
    expect(mapping?.revision).toBeUndefined();
    expect(mapping).not.toHaveProperty("wixRevision");
  });

  test("a V1 mapping whose SKU V3 no longer has gets no stock write", async () => {
    version = "V3_CATALOG";
    v3Variants = [];
    const result = await sync().syncItems(["MUG"]);
    expect(result.unmapped).toBe(1);
    expect(wix.writes).toEqual([]);
  });

  test("on a site still on V1 the mapping is used as it is: no SKU search", async () => {
    version = "V1_CATALOG";
    await sync().syncItems(["MUG"]);
    expect(asked).toEqual([]);
    expect(state.mappings.get("MUG")?.catalog).toBe("V1");
  });
});
