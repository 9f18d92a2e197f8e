import { queryCollections } from "@wix/auto_sdk_stores_collections";
import type { QueryCollectionsResponseOriginal } from "@wix/auto_sdk_stores_collections/meta";
import {
  addProductsToCollection,
  createCollection,
  removeProductsFromCollection,
} from "@wix/auto_sdk_stores_products";
import type { CreateCollectionResponseOriginal } from "@wix/auto_sdk_stores_products/meta";
import { WixV1Collections } from "#shared/wix/catalog-v1/collections";
import { expectSdkRequests, recordingWix, restMethod, sdkRequest } from "./wire";

const C1 = "d3a1b2c4-0000-4a5b-8c7d-111111111111";
const C2 = "0b9e8d7c-0000-4a5b-8c7d-222222222222";
const P1 = "5376f9ec-b92e-efa9-e4a1-f4f480aa0d3a";
const P2 = "6a1c0b5e-1f2d-4c3b-9a8e-7d6c5b4a3f21";

describe("Wix Catalog V1 collections: our requests equal the official SDK's", () => {
  test("Query Collections by name (offset paging); same-named collections in id order", async () => {
    // prepare: names are not unique; a name that only starts the same is not ours
    const answer: QueryCollectionsResponseOriginal = {
      collections: [
        { id: C1, name: "Mugs", numberOfProducts: 2 },
        { id: C2, name: "Mugs", numberOfProducts: 0 },
        { id: "e0000000-0000-4a5b-8c7d-333333333333", name: "Mugs & cups" },
      ],
      metadata: { count: 3, offset: 0, total: 3 },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    // act
    const found = await new WixV1Collections(wix.client.http).findCategories("Mugs");
    const sdk = await sdkRequest((http) =>
      queryCollections(http)({ filter: { name: { $eq: "Mugs" } }, paging: { limit: 100, offset: 0 } }),
    );
    await wix.close();
    // assess: the SDK's method and body; its path mapped onto www.wixapis.com by the catalog reader
    // URL map (@wix/auto_sdk_stores_inventory: /stores-reader/v2/collections -> /v2/collections)
    const [ours] = wix.requests;
    expect(wix.requests).toHaveLength(1);
    expect(ours?.method).toBe(restMethod(sdk));
    expect(sdk.path).toBe("/v2/collections/query");
    expect(ours?.path).toBe(`/stores-reader${sdk.path}`);
    expect(ours?.body).toEqual(sdk.body);
    expect(found).toEqual([
      { id: C2, name: "Mugs" },
      { id: C1, name: "Mugs" },
    ]);
  });

  test("Create Collection by name", async () => {
    // prepare
    const answer: CreateCollectionResponseOriginal = { collection: { id: C1, name: "Mugs" } };
    const wix = await recordingWix();
    wix.answer(answer);
    // act
    const created = await new WixV1Collections(wix.client.http).createCategory("Mugs");
    const sdk = await sdkRequest((http) => createCollection(http)({ name: "Mugs" }), answer);
    await wix.close();
    // assess
    expectSdkRequests(wix.requests, [sdk]);
    expect(created).toEqual({ id: C1, name: "Mugs" });
  });

  test("Add and Remove Products: the collection id in the path and body, one result per product", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({});
    const collections = new WixV1Collections(wix.client.http);
    // act
    const added = await collections.addToCategory(C1, [P1, P2]);
    const removed = await collections.removeFromCategory(C1, [P2]);
    const sdkAdd = await sdkRequest((http) => addProductsToCollection(http)(C1, [P1, P2]));
    const sdkRemove = await sdkRequest((http) => removeProductsFromCollection(http)(C1, [P2]));
    await wix.close();
    // assess
    expectSdkRequests(wix.requests, [sdkAdd, sdkRemove]);
    expect(added).toEqual([{ productId: P1 }, { productId: P2 }]);
    expect(removed).toEqual([{ productId: P2 }]);
  });
});
