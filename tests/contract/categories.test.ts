import {
  bulkAddItemsToCategory,
  bulkRemoveItemsFromCategory,
  createCategory,
  queryCategories,
} from "@wix/auto_sdk_categories_categories";
import type {
  BulkAddItemsToCategoryResponseOriginal,
  QueryCategoriesResponseOriginal,
} from "@wix/auto_sdk_categories_categories/meta";
import { WIX_STORES_APP_ID } from "#shared/wix/categories";
import { expectSdkRequests, recordingWix, restMethod, sdkRequest } from "./wire";

const tree = { appNamespace: "@wix/stores" };
// On the wire dates are ISO strings (the SDK's types say Date: its transformer converts them).
const category = (id: string, name: string, createdDate: string, extra: object = {}) => ({
  id,
  name,
  createdDate: createdDate as unknown as Date,
  visible: true,
  revision: "1",
  slug: id,
  treeReference: tree,
  ...extra,
});

describe("Wix categories: our requests equal the official SDK's", () => {
  test("Query Categories by name, hidden ones included; the oldest same-named category first", async () => {
    // prepare: names are not unique; one of them is hidden, one managed by another app
    const answer: QueryCategoriesResponseOriginal = {
      categories: [
        category("c3", "Mugs", "2026-03-01T00:00:00Z"),
        category("c1", "Mugs", "2026-01-01T00:00:00Z", {
          managingAppId: "a0e8c1b2-0000-4000-8000-000000000001",
        }),
        category("c2", "Mugs", "2026-02-01T00:00:00Z", { visible: false }),
      ],
      pagingMetadata: { count: 3, cursors: {}, hasNext: false },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    // act
    const found = await wix.client.findCategories("Mugs");
    const sdk = await sdkRequest((http) =>
      queryCategories(http)(
        { filter: { name: { $eq: "Mugs" } }, cursorPaging: { limit: 100 } },
        { treeReference: tree, returnNonVisibleCategories: true },
      ),
    );
    await wix.close();
    // assess
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(found.map((c) => c.id)).toEqual(["c2", "c3"]);
  });

  test("Query Categories beyond the first page: the cursor alone, with the tree and hidden ones still asked", async () => {
    // prepare: more same-named categories than one page; the first page says where the next starts
    const first: QueryCategoriesResponseOriginal = {
      categories: [category("c1", "Mugs", "2026-01-01T00:00:00Z")],
      pagingMetadata: { count: 1, cursors: { next: "cursor-2" }, hasNext: true },
    };
    const last: QueryCategoriesResponseOriginal = {
      categories: [category("c0", "Mugs", "2025-12-01T00:00:00Z", { visible: false })],
      pagingMetadata: { count: 1, cursors: {}, hasNext: false },
    };
    const wix = await recordingWix();
    wix.answer(first, last);
    // act
    const found = await wix.client.findCategories("Mugs");
    const options = { treeReference: tree, returnNonVisibleCategories: true };
    const sdkFirst = await sdkRequest((http) =>
      queryCategories(http)({ filter: { name: { $eq: "Mugs" } }, cursorPaging: { limit: 100 } }, options),
    );
    const sdkNext = await sdkRequest((http) =>
      queryCategories(http)({ cursorPaging: { limit: 100, cursor: "cursor-2" } }, options),
    );
    await wix.close();
    // assess
    expectSdkRequests(wix.requests, [sdkFirst, sdkNext]);
    expect(found.map((c) => c.id)).toEqual(["c0", "c1"]);
  });

  test("Create Category in the Wix Stores tree", async () => {
    // prepare
    const wix = await recordingWix();
    wix.answer({ category: category("c9", "Mugs", "2026-01-01T00:00:00Z") });
    // act
    const created = await wix.client.createCategory("Mugs");
    const sdk = await sdkRequest((http) => createCategory(http)({ name: "Mugs" }, { treeReference: tree }));
    await wix.close();
    // assess
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(created).toEqual({ id: "c9", name: "Mugs" });
  });

  test.each([
    ["Bulk Add Items To Category", "add"],
    ["Bulk Remove Items From Category", "remove"],
  ] as const)(
    "%s: per-item results read, a product without a result counts as failed",
    async (_name, action) => {
      // prepare
      const answer: BulkAddItemsToCategoryResponseOriginal = {
        results: [
          {
            itemMetadata: {
              item: { catalogItemId: "p2", appId: WIX_STORES_APP_ID },
              originalIndex: 1,
              success: true,
            },
          },
          {
            itemMetadata: {
              item: { catalogItemId: "p1", appId: WIX_STORES_APP_ID },
              originalIndex: 0,
              success: false,
              error: { code: "NOT_FOUND", description: "no such product" },
            },
          },
        ],
        bulkActionMetadata: { totalSuccesses: 1, totalFailures: 2, undetailedFailures: 1 },
      };
      const wix = await recordingWix();
      wix.answer(answer);
      const ids = ["p1", "p2", "p3"];
      const items = ids.map((catalogItemId) => ({ catalogItemId, appId: WIX_STORES_APP_ID }));
      // act
      const outcomes =
        action === "add"
          ? await wix.client.addToCategory("c1", ids)
          : await wix.client.removeFromCategory("c1", ids);
      const sdk = await sdkRequest((http) =>
        action === "add"
          ? bulkAddItemsToCategory(http)("c1", items, { treeReference: tree })
          : bulkRemoveItemsFromCategory(http)("c1", items, { treeReference: tree }),
      );
      await wix.close();
      // assess
      const [ours] = wix.requests;
      expect(ours?.method).toBe(restMethod(sdk));
      expect(ours?.path).toBe(sdk.path);
      expect(ours?.body).toEqual(sdk.body);
      expect(outcomes.map((o) => [o.productId, o.error?.code])).toEqual([
        ["p1", "NOT_FOUND"],
        ["p2", undefined],
        ["p3", "NO_RESULT"],
      ]);
    },
  );
});
