import { describe, expect, test } from "@jest/globals";
import * as categories from "@wix/auto_sdk_categories_categories/meta";
import * as billing from "@wix/auto_sdk_ecom_order-billing/meta";
import * as fulfillments from "@wix/auto_sdk_ecom_order-fulfillments/meta";
import * as transactions from "@wix/auto_sdk_ecom_order-transactions/meta";
import * as orders from "@wix/auto_sdk_ecom_orders/meta";
import * as oauth from "@wix/auto_sdk_identity_oauth/meta";
import * as versioning from "@wix/auto_sdk_stores_catalog-versioning/meta";
import * as inventory from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import * as products from "@wix/auto_sdk_stores_products-v-3/meta";
import * as variants from "@wix/auto_sdk_stores_read-only-variants-v-3/meta";
import type { HttpRequest } from "#shared/http/client";
import { isWixRead, WIX_READ_POSTS } from "#shared/http/dry-run";
import { WixClient } from "#shared/wix/client";
import { recordingWix } from "./wire";

/**
 * Test mode lets reads out and withholds writes (shared/http/dry-run.ts). Which Wix calls are reads
 * is the SDK's to say: each package's meta.js has one request builder per method (its name, HTTP
 * method and URL). A method is a read when it is a GET or named as one (get, list, query, search,
 * count: List Fulfillments For Multiple Orders is a POST read, ECOM.READ_FULFILLMENTS).
 */
type Method = HttpRequest["method"];
interface SdkMethod {
  name: string;
  httpMethod: Method;
  url: string;
  read: boolean;
}

const PACKAGES = [
  categories,
  billing,
  fulfillments,
  transactions,
  orders,
  oauth,
  versioning,
  inventory,
  products,
  variants,
];

const SDK: SdkMethod[] = PACKAGES.flatMap((pkg) =>
  Object.entries(pkg).flatMap(([name, builder]) => {
    if (typeof builder !== "function") return [];
    const meta = (builder as () => { httpMethod?: Method; getUrl?: (c: { host: string }) => string })();
    if (!meta?.httpMethod || !meta.getUrl) return [];
    const url = meta.getUrl({ host: "www.wixapis.com" });
    const read = meta.httpMethod === "GET" || /^(get|list|query|search|count)[A-Z]/.test(name);
    return [{ name, httpMethod: meta.httpMethod, url, read }];
  }),
);

const sdk = (name: string): SdkMethod => {
  const found = SDK.filter((m) => m.name === name);
  if (found.length !== 1) throw new Error(`${found.length} SDK methods named ${name}`);
  return found[0] as SdkMethod;
};

/** `/ecom/v1/fulfillments/:fulfillmentId/orders/:orderId` as a pattern for a concrete path. */
const pattern = (url: string) => new RegExp(`^${url.replace(/:[\w.]+/g, "[^/]+")}$`);

/** Every Wix call our client makes, by client method, with the SDK method it is. */
const A = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e01";
const B = "5d0f8a5e-0d4c-4f0e-9a51-2a1f1c3b8e02";
const CALLS: [client: keyof WixClient, sdk: string, call: (c: WixClient) => Promise<unknown>][] = [
  ["catalogVersion", "getCatalogVersion", (c) => c.catalogVersion()],
  ["getProduct", "getProduct", (c) => c.getProduct("p1")],
  ["createProduct", "createProductWithInventory", (c) => c.createProduct({ name: "Mug" } as never)],
  ["updateProduct", "updateProduct", (c) => c.updateProduct({ id: "p1", revision: "1" } as never)],
  ["bulkCreateProducts", "bulkCreateProductsWithInventory", (c) => c.bulkCreateProducts([])],
  ["bulkUpdateProducts", "bulkUpdateProducts", (c) => c.bulkUpdateProducts([])],
  ["findVariantsBySku", "searchVariants", (c) => c.findVariantsBySku(["MUG-1"])],
  ["allVariants", "searchVariants", (c) => c.allVariants()],
  ["inventoryBySku", "queryInventoryItems", (c) => c.inventoryBySku(["MUG-1"])],
  ["bulkUpdateInventory", "bulkUpdateInventoryItems", (c) => c.bulkUpdateInventory([])],
  ["bulkCreateInventory", "bulkCreateInventoryItems", (c) => c.bulkCreateInventory([])],
  ["findCategories", "queryCategories", (c) => c.findCategories("Mugs")],
  ["createCategory", "createCategory", (c) => c.createCategory("Mugs")],
  ["addToCategory", "bulkAddItemsToCategory", (c) => c.addToCategory("c1", ["p1"])],
  ["removeFromCategory", "bulkRemoveItemsFromCategory", (c) => c.removeFromCategory("c1", ["p1"])],
  ["orderFulfillments", "listFulfillmentsForMultipleOrders", (c) => c.orderFulfillments([A, B])],
  ["createFulfillment", "createFulfillment", (c) => c.createFulfillment(A, { lineItems: [] })],
  ["updateFulfillment", "updateFulfillment", (c) => c.updateFulfillment(A, { id: "f1" })],
  ["deleteFulfillment", "deleteFulfillment", (c) => c.deleteFulfillment(A, "f1")],
  ["getOrder", "getOrder", (c) => c.getOrder(A)],
  ["orderTransactions", "listTransactionsForSingleOrder", (c) => c.orderTransactions([A])],
  ["orderTransactions", "listTransactionsForMultipleOrders", (c) => c.orderTransactions([A, B])],
  ["searchOrders", "searchOrders", (c) => c.searchOrders("2026-12-01T00:00:00Z")],
];

describe("test mode: our read/write split of Wix calls is the SDK's", () => {
  test.each(CALLS)(
    "%s (SDK %s): sent in test mode exactly when the SDK method reads",
    async (_c, name, call) => {
      const wix = await recordingWix();
      await call(wix.client).catch(() => undefined); // the answer ({}) does not matter here
      await wix.close();
      const method = sdk(name);
      expect(wix.requests.length).toBeGreaterThan(0);
      for (const sent of wix.requests) {
        expect(sent.path).toMatch(pattern(method.url));
        const read = isWixRead({ method: sent.method as Method, path: sent.path });
        expect({ name, read }).toEqual({ name, read: method.read });
      }
    },
  );

  test("every public call of the client is in the table above", () => {
    const internal = new Set(["constructor", "authHeaders", "accessToken", "resources"]);
    const methods = Object.getOwnPropertyNames(WixClient.prototype).filter((m) => !internal.has(m));
    expect(methods.filter((m) => !CALLS.some(([c]) => c === m))).toEqual([]);
  });

  test("no SDK write of these packages passes as a read (it would be sent in test mode)", () => {
    expect(SDK.length).toBeGreaterThan(100);
    const leaks = SDK.filter((m) => !m.read && isWixRead({ method: m.httpMethod, path: m.url }));
    expect(leaks.map((m) => `${m.name} ${m.httpMethod} ${m.url}`)).toEqual([]);
  });

  test("every POST read we list is an SDK read's URL", () => {
    const reads = new Set(SDK.filter((m) => m.read).map((m) => m.url));
    expect(WIX_READ_POSTS.filter((path) => !reads.has(path))).toEqual([]);
  });
});
