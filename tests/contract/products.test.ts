import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  bulkCreateProductsWithInventory,
  bulkUpdateProducts,
  createProductWithInventory,
  getProduct,
  updateProduct,
} from "@wix/auto_sdk_stores_products-v-3";
import { searchVariants } from "@wix/auto_sdk_stores_read-only-variants-v-3";
import type { SearchVariantsResponseOriginal } from "@wix/auto_sdk_stores_read-only-variants-v-3/meta";
import { NotFoundError, RevisionConflictError } from "#shared/errors";
import type { WixNewProduct, WixProductUpdate } from "#shared/flows/wix-catalog";
import type { Wire } from "#shared/flows/wix-orders";
import { WixClient } from "#shared/wix/client";
import { expectSdkRequests, recordingWix, restMethod, sdkRequest } from "./wire";

/** The SDK's functions take SDK-side names (`_id`); their types are looser than the wire's. */
// biome-ignore lint/suspicious/noExplicitAny: the SDK's input types are per call
type Any = any;

const newProduct: WixNewProduct = {
  name: "Mug",
  visible: true,
  productType: "PHYSICAL",
  physicalProperties: {},
  brand: { name: "Acme" },
  options: [],
  variantsInfo: {
    variants: [
      {
        sku: "MUG-1",
        visible: true,
        choices: [],
        price: { actualPrice: { amount: "1.275" } },
        physicalProperties: {},
        inventoryItem: { quantity: 3 },
      },
    ],
  },
};

const update: WixProductUpdate = {
  id: "p1",
  revision: "4",
  name: "Mug",
  options: [],
  variantsInfo: {
    variants: [
      {
        id: "v1",
        sku: "MUG-1",
        choices: [],
        price: { actualPrice: { amount: "9.99" } },
        physicalProperties: {},
      },
    ],
  },
};

/** The SDK takes `_id` where the wire has `id`. */
const sdkSide = ({ id, ...rest }: WixProductUpdate) => ({ ...rest, _id: id });

describe("Wix products: our requests equal the official SDK's", () => {
  test("Get Product", async () => {
    const wix = await recordingWix();
    wix.answer({ product: { id: "p1", name: "Mug", variantsInfo: { variants: [] } } });
    await wix.client.getProduct("p1");
    const sdk = await sdkRequest((http) => getProduct(http)("p1"), {});
    await wix.close();
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
  });

  test("Create Product With Inventory", async () => {
    const wix = await recordingWix();
    wix.answer({ product: { id: "p1" } });
    await wix.client.createProduct(newProduct);
    await wix.close();
    const sdk = await sdkRequest((http) => createProductWithInventory(http)(newProduct as Any), {
      product: {},
    });
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
  });

  test("Update Product (PATCH): options travel with variants, no name-only brand", async () => {
    const wix = await recordingWix();
    wix.answer({ product: { id: "p1" } });
    await wix.client.updateProduct(update);
    await wix.close();
    const { _id, ...product } = sdkSide(update);
    const sdk = await sdkRequest((http) => updateProduct(http)(_id, product as Any), { product: {} });
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
  });

  test("Bulk Create Products With Inventory: request, and the nested answer parsed", async () => {
    // The answer as the SDK declares it (BulkCreateProductsWithInventoryResponse): nested.
    const answer = {
      productResults: {
        results: [
          {
            itemMetadata: { id: "p1", originalIndex: 0, success: true },
            item: {
              id: "p1",
              revision: "1",
              name: "Mug",
              variantsInfo: { variants: [{ id: "v1", sku: "MUG-1" }] },
            },
          },
        ],
        bulkActionMetadata: { totalSuccesses: 1, totalFailures: 0, undetailedFailures: 0 },
      },
      inventoryResults: {
        bulkActionMetadata: { totalSuccesses: 1, totalFailures: 0, undetailedFailures: 0 },
      },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    const parsed = await wix.client.bulkCreateProducts([newProduct]);
    await wix.close();
    const sdk = await sdkRequest(
      (http) => bulkCreateProductsWithInventory(http)([newProduct as Any], { returnEntity: true }),
      answer,
    );
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(parsed.results).toHaveLength(1);
    expect(parsed.results[0]?.item?.id).toBe("p1");
    expect(parsed.results[0]?.itemMetadata.success).toBe(true);
  });

  test("Bulk Update Products", async () => {
    const answer = {
      results: [
        { itemMetadata: { id: "p1", originalIndex: 0, success: true }, item: { id: "p1", revision: "5" } },
      ],
      bulkActionMetadata: { totalSuccesses: 1, totalFailures: 0, undetailedFailures: 0 },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    const parsed = await wix.client.bulkUpdateProducts([update]);
    await wix.close();
    const sdk = await sdkRequest(
      (http) => bulkUpdateProducts(http)([{ product: sdkSide(update) as Any }], { returnEntity: true }),
      answer,
    );
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(parsed.results[0]?.item?.revision).toBe("5");
  });

  test("the SKU lookup is Search Variants filtered on `sku`", async () => {
    const answer = {
      variants: [{ variantId: "v1", sku: "MUG-1", productData: { productId: "p1", revision: "4" } }],
      pagingMetadata: { count: 1, hasNext: false, cursors: {} },
    };
    const wix = await recordingWix();
    wix.answer(answer);
    const found = await wix.client.findVariantsBySku(["MUG-1", "MUG-2"]);
    await wix.close();
    const sdk = await sdkRequest(
      (http) =>
        searchVariants(http)({
          filter: { sku: { $in: ["MUG-1", "MUG-2"] } },
          cursorPaging: { limit: 100 },
        } as Any),
      answer,
    );
    const [ours] = wix.requests;
    expect(ours?.method).toBe(restMethod(sdk));
    expect(ours?.path).toBe(sdk.path);
    expect(ours?.body).toEqual(sdk.body);
    expect(found).toEqual(answer.variants);
  });
});

/**
 * A refused update reaches the products flow as a domain condition, never as an HTTP status:
 * the flow re-reads on `RevisionConflictError` (shared/flows/products/publish.ts).
 */
describe("Wix products: a refused update is a domain condition", () => {
  /** Answers every request with `status` and Wix's error envelope. */
  async function refusingWix(status: number, code: string) {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: code, details: { applicationError: { code, description: code } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = new WixClient({
      apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: "contract-key",
      siteId: "contract-site",
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const error = await client.updateProduct(update).catch((e: unknown) => e);
    await new Promise((resolve) => server.close(resolve));
    return error;
  }

  test("409 (stale revision) is RevisionConflictError, with Wix's code kept", async () => {
    const error = await refusingWix(409, "REVISION_MISMATCH");
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect((error as RevisionConflictError).details).toMatchObject({
      status: 409,
      code: "REVISION_MISMATCH",
    });
  });

  test("404 (product deleted) is NotFoundError, not retried", async () => {
    const error = await refusingWix(404, "PRODUCT_NOT_FOUND");
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).retryable).toBe(false);
  });
});

describe("Wix products: every variant, page by page (unfiltered Search Variants)", () => {
  test("the SDK's request for each page, the cursor followed until hasNext is false", async () => {
    // The answer as the SDK declares it (SearchVariantsResponse, read-only-variants-v-3 meta.d.ts).
    const page = (ids: string[], next?: string): Wire<SearchVariantsResponseOriginal> => ({
      variants: ids.map((id) => ({ id, sku: `SKU-${id}`, productData: { productId: "p1", name: "Mug" } })),
      pagingMetadata: { count: ids.length, hasNext: !!next, cursors: next ? { next } : {} },
    });
    const first = page(["v1", "v2"], "cursor-2");
    const last = page(["v3"]);
    const wix = await recordingWix();
    wix.answer(first, last);
    const pages: number[] = [];
    const found = await wix.client.allVariants((n) => pages.push(n));
    await wix.close();
    const sdkFirst = await sdkRequest(
      (http) => searchVariants(http)({ cursorPaging: { limit: 100 } } as Any),
      first,
    );
    const sdkNext = await sdkRequest(
      (http) => searchVariants(http)({ cursorPaging: { limit: 100, cursor: "cursor-2" } } as Any),
      last,
    );
    expectSdkRequests(wix.requests, [sdkFirst, sdkNext]);
    expect(found.map((v) => v.sku)).toEqual(["SKU-v1", "SKU-v2", "SKU-v3"]);
    expect(found[0]?.productData).toEqual({ productId: "p1", name: "Mug" });
    expect(pages).toEqual([3]);
  });
});
