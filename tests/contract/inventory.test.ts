import {
  bulkCreateInventoryItems,
  bulkUpdateInventoryItems,
  queryInventoryItems,
} from "@wix/auto_sdk_stores_inventory-items-v-3";
import type {
  BulkUpdateInventoryItemsResponseOriginal,
  QueryInventoryItemsResponseOriginal,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import { expectSdkRequests, recordingWix, restMethod, sdkRequest } from "./wire";

const LOCATION = "0f3b4a1e-0d2c-4b8a-9e61-3c7d2f0a1b02";
const item = (id: string, sku: string, locationId = LOCATION) => ({
  id,
  revision: "3",
  productId: "p1",
  variantId: `v-${sku}`,
  locationId,
  quantity: 4,
  trackQuantity: true,
  availabilityStatus: "IN_STOCK" as const,
  product: { variantSku: sku, name: "Mug" },
});

describe("Wix inventory items: our requests equal the official SDK's", () => {
  test("Query Inventory Items by SKU at one location, and the next page by cursor alone", async () => {
    // prepare: the SDK's answer carries no hasNext, only cursors (PlatformPagingMetadataV2)
    const first: QueryInventoryItemsResponseOriginal = {
      inventoryItems: [item("i1", "MUG-1")],
      pagingMetadata: { count: 1, cursors: { next: "cursor-2" } },
    };
    const last: QueryInventoryItemsResponseOriginal = {
      inventoryItems: [item("i2", "MUG-2")],
      pagingMetadata: { count: 1, cursors: {} },
    };
    const wix = await recordingWix();
    wix.answer(first, last);
    // act
    const items = await wix.client.inventoryBySku(["MUG-1", "MUG-2"], LOCATION);
    const filter = { "product.variantSku": { $in: ["MUG-1", "MUG-2"] }, locationId: { $eq: LOCATION } };
    const sdkFirst = await sdkRequest((http) =>
      queryInventoryItems(http)({ filter, cursorPaging: { limit: 1000 } }),
    );
    const sdkNext = await sdkRequest((http) =>
      queryInventoryItems(http)({ cursorPaging: { limit: 1000, cursor: "cursor-2" } }),
    );
    await wix.close();
    // assess: both pages read, each request the SDK's
    expect(items.map((i) => [i.id, i.product?.variantSku, i.locationId])).toEqual([
      ["i1", "MUG-1", LOCATION],
      ["i2", "MUG-2", LOCATION],
    ]);
    expectSdkRequests(wix.requests, [sdkFirst, sdkNext]);
  });

  test("Bulk Update Inventory Items: absolute quantities, revision, reason MANUAL; per-item results read", async () => {
    // prepare
    const answer: BulkUpdateInventoryItemsResponseOriginal = {
      results: [
        { itemMetadata: { id: "i1", originalIndex: 0, success: true }, item: item("i1", "MUG-1") },
        {
          itemMetadata: {
            id: "i2",
            originalIndex: 1,
            success: false,
            error: { code: "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE_DECREASING", description: "no" },
          },
        },
      ],
      bulkActionMetadata: { totalSuccesses: 1, totalFailures: 1, undetailedFailures: 0 },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    const updates = [
      { id: "i1", revision: "3", quantity: 7 },
      { id: "i2", revision: "5", quantity: 0 },
    ];
    // act
    const res = await wix.client.bulkUpdateInventory(updates);
    const sdk = await sdkRequest((http) =>
      bulkUpdateInventoryItems(http)(
        updates.map((inventoryItem) => ({ inventoryItem })),
        { reason: "MANUAL", returnEntity: true },
      ),
    );
    await wix.close();
    // assess: no read-only trackQuantity on the wire
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(JSON.stringify(ours?.body)).not.toContain("trackQuantity");
    expect(res.results.map((r) => [r.itemMetadata.originalIndex, r.itemMetadata.success])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(res.results[1]?.itemMetadata.error?.code).toBe(
      "REQUESTED_QUANTITY_MUST_BE_NON_NEGATIVE_DECREASING",
    );
    expect(res.results[0]?.item?.quantity).toBe(4);
  });

  test("Bulk Create Inventory Items at a location (and at the default one when none is set)", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({
      results: [{ itemMetadata: { id: "i9", originalIndex: 0, success: true }, item: item("i9", "MUG-9") }],
      bulkActionMetadata: { totalSuccesses: 1, totalFailures: 0, undetailedFailures: 0 },
    });
    const at = { productId: "p1", variantId: "v-MUG-9", quantity: 3, locationId: LOCATION };
    const anywhere = { productId: "p1", variantId: "v-MUG-8", quantity: 2 };
    // act
    const res = await wix.client.bulkCreateInventory([at, anywhere]);
    const sdk = await sdkRequest((http) =>
      bulkCreateInventoryItems(http)([at, anywhere], { returnEntity: true }),
    );
    await wix.close();
    // assess
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(res.results[0]?.item).toMatchObject({ id: "i9", locationId: LOCATION });
  });
});
