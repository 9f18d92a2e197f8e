import {
  getInventoryVariants,
  queryInventory,
  updateInventoryVariants,
} from "@wix/auto_sdk_stores_inventory";
import type {
  GetInventoryVariantsResponseOriginal,
  QueryInventoryResponseOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import { getProduct } from "@wix/auto_sdk_stores_products";
import type { GetProductResponseOriginal } from "@wix/auto_sdk_stores_products/meta";
import { v1InventoryId, WixV1Inventory } from "#shared/wix/catalog-v1/inventory";
import { expectSdkRequests, recordingWix, restMethod, sdkRequest } from "./wire";

const P1 = "5376f9ec-b92e-efa9-e4a1-f4f480aa0d3a";
const P2 = "6a1c0b5e-1f2d-4c3b-9a8e-7d6c5b4a3f21";
const V1 = "00000000-0000-0020-0005-ad9cdc10d3b8";
const V2 = "00000000-0000-0021-0005-ad9cdc10d3b8";

/** Variant V2 of product P1 (inventory item inv-1, SKU MUG-RED) as the adapter reads it: tracked. */
const mugRed = (quantity: number, product: { name?: string } = {}) => ({
  id: v1InventoryId(P1, V2, "inv-1"),
  revision: "v1",
  productId: P1,
  variantId: V2,
  trackQuantity: true,
  quantity,
  inStock: quantity > 0,
  product: { variantSku: "MUG-RED", ...product },
});

describe("Wix Catalog V1 inventory: our requests equal the official SDK's", () => {
  test("Query Inventory in numericId order, offset paging; each wanted variant read as an item", async () => {
    // prepare: the answer as the SDK's wire type declares it (one item per product, variants inside)
    const answer: QueryInventoryResponseOriginal = {
      inventoryItems: [
        {
          id: "inv-1",
          productId: P1,
          trackQuantity: true,
          numericId: "1",
          variants: [
            { variantId: V1, quantity: 4, inStock: true },
            { variantId: V2, quantity: 0, inStock: false },
          ],
        },
      ],
      metadata: { items: 1, offset: 0 },
      totalResults: 1,
    };
    const wix = await recordingWix();
    wix.answer(answer);
    const inventory = new WixV1Inventory(wix.client.http, async () => [
      { productId: P1, variantId: V2, sku: "MUG-RED", productName: "Mug" },
    ]);
    // act
    const items = await inventory.inventoryBySku(["MUG-RED"]);
    const sdk = await sdkRequest((http) =>
      queryInventory(http)({
        query: { sort: JSON.stringify([{ numericId: "asc" }]), paging: { limit: 100, offset: 0 } },
      }),
    );
    await wix.close();
    // assess: the SDK's request; the variant read with the product's tracking
    expectSdkRequests(wix.requests, [sdk]);
    expect(items).toEqual([mugRed(0, { name: "Mug" })]);
  });

  test("a mapped variant: Get Product for the inventory item id, then Get Inventory Variants of that item", async () => {
    // prepare: the answers as the SDK's wire types declare them
    const product: GetProductResponseOriginal = { product: { id: P1, inventoryItemId: "inv-1" } };
    const variants: GetInventoryVariantsResponseOriginal = {
      inventoryItem: {
        id: "inv-1",
        productId: P1,
        trackQuantity: true,
        numericId: "1",
        variants: [{ variantId: V2, quantity: 3, inStock: true }],
      },
    };
    const wix = await recordingWix();
    wix.answer(product, variants);
    const inventory = new WixV1Inventory(wix.client.http, async () => []);
    // act
    const items = await inventory.inventoryBySku(["MUG-RED"], undefined, [
      { sku: "MUG-RED", productId: P1, variantId: V2 },
    ]);
    const sdkGet = await sdkRequest((http) => getProduct(http)(P1));
    const sdkVariants = await sdkRequest((http) => getInventoryVariants(http)("inv-1", { variantIds: [V2] }));
    await wix.close();
    // assess: the SDK's requests (Get Product's method as its REST reference documents it)
    expect(wix.requests[0]?.method).toBe(restMethod(sdkGet));
    expect(wix.requests[0]?.path).toBe(sdkGet.path);
    expectSdkRequests(wix.requests.slice(1), [sdkVariants]);
    expect(items).toEqual([mugRed(3)]);
  });

  test("Update Inventory Variants: one PATCH per product with all its variants, trackQuantity always sent", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({});
    const inventory = new WixV1Inventory(wix.client.http, async () => []);
    // act
    const res = await inventory.bulkUpdateInventory([
      { id: v1InventoryId(P1, V1), revision: "v1", quantity: 7 },
      { id: v1InventoryId(P2, V1), revision: "v1", quantity: 1 },
      { id: v1InventoryId(P1, V2), revision: "v1", quantity: 0 },
    ]);
    const sdkP1 = await sdkRequest((http) =>
      updateInventoryVariants(http)(P1, {
        trackQuantity: true,
        variants: [
          { variantId: V1, quantity: 7 },
          { variantId: V2, quantity: 0 },
        ],
      }),
    );
    const sdkP2 = await sdkRequest((http) =>
      updateInventoryVariants(http)(P2, { trackQuantity: true, variants: [{ variantId: V1, quantity: 1 }] }),
    );
    await wix.close();
    // assess
    expectSdkRequests(wix.requests, [sdkP1, sdkP2]);
    expect(
      res.results.map((r) => [r.itemMetadata.originalIndex, r.itemMetadata.success, r.item?.quantity]),
    ).toEqual([
      [0, true, 7],
      [1, true, 1],
      [2, true, 0],
    ]);
  });
});
