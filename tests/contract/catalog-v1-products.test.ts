import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { updateInventoryVariants } from "@wix/auto_sdk_stores_inventory";
import {
  addProductMedia,
  createProduct,
  deleteProduct,
  getProduct,
  queryProductVariants,
  queryStoreVariants,
  removeProductMedia,
  updateProduct,
  updateProductVariants,
} from "@wix/auto_sdk_stores_products";
import type {
  CreateProductResponseOriginal,
  GetProductResponseOriginal,
  QueryProductVariantsResponseOriginal,
  QueryStoreVariantsResponseOriginal,
  UpdateProductResponseOriginal,
  UpdateVariantsResponseOriginal,
} from "@wix/auto_sdk_stores_products/meta";
import * as v1Meta from "@wix/auto_sdk_stores_products/meta";
import { NotFoundError } from "#shared/errors";
import type { WixNewProduct, WixProductUpdate } from "#shared/flows/wix-catalog";
import type { Wire } from "#shared/flows/wix-orders";
import type { HttpRequest } from "#shared/http/client";
import { isWixRead } from "#shared/http/dry-run";
import { WixV1Products } from "#shared/wix/catalog-v1/products";
import { V1_REVISION } from "#shared/wix/catalog-v1/stock";
import { WixClient } from "#shared/wix/client";
import { expectSdkRequests, type RecordingWix, recordingWix, restMethod, sdkRequest } from "./wire";

/** The SDK's functions take SDK-side names (`_id`); their types are looser than the wire's. */
// biome-ignore lint/suspicious/noExplicitAny: the SDK's input types are per call
type Any = any;

const mug: WixNewProduct = {
  name: "Mug",
  plainDescription: "<p>Big &amp; blue</p>",
  visible: true,
  productType: "PHYSICAL",
  physicalProperties: {},
  brand: { name: "Acme" },
  media: { itemsInfo: { items: [{ url: "https://erp.example/files/mug.jpg" }] } },
  options: [],
  variantsInfo: {
    variants: [
      {
        sku: "MUG-1",
        visible: true,
        choices: [],
        price: { actualPrice: { amount: "9.99" } },
        physicalProperties: { weight: 0.4 },
        inventoryItem: { quantity: 3 },
      },
    ],
  },
};

const size = (choiceName: string) => [{ optionChoiceNames: { optionName: "Size", choiceName } }];
const shirt: WixNewProduct = {
  name: "Shirt",
  visible: true,
  productType: "PHYSICAL",
  physicalProperties: {},
  options: [
    {
      name: "Size",
      optionRenderType: "TEXT_CHOICES",
      choicesSettings: {
        choices: [
          { choiceType: "CHOICE_TEXT", name: "S" },
          { choiceType: "CHOICE_TEXT", name: "M" },
        ],
      },
    },
  ],
  variantsInfo: {
    variants: [
      {
        sku: "SHIRT-S",
        visible: true,
        choices: size("S"),
        price: { actualPrice: { amount: "20" } },
        physicalProperties: {},
        inventoryItem: { quantity: 5 },
      },
      {
        sku: "SHIRT-M",
        visible: true,
        choices: size("M"),
        price: { actualPrice: { amount: "22.5" } },
        physicalProperties: { weight: 0.3 },
        inventoryItem: { quantity: 0 },
      },
    ],
  },
};

/** Update Variants' answer as the SDK declares it: every variant of the product. */
const shirtVariants: Wire<UpdateVariantsResponseOriginal> = {
  variants: [
    {
      id: "vs",
      choices: { Size: "S" },
      variant: { sku: "SHIRT-S", priceData: { price: 20 }, visible: true },
    },
    {
      id: "vm",
      choices: { Size: "M" },
      variant: { sku: "SHIRT-M", priceData: { price: 22.5 }, weight: 0.3, visible: true },
    },
  ],
};

/** The shirt's option and variant overrides as the SDK takes them. */
const shirtOptions = [
  {
    name: "Size",
    choices: [
      { value: "S", description: "S" },
      { value: "M", description: "M" },
    ],
  },
];
const shirtOverrides = [
  { choices: { Size: "S" }, sku: "SHIRT-S", price: 20, visible: true },
  { choices: { Size: "M" }, sku: "SHIRT-M", price: 22.5, weight: 0.3, visible: true },
];

/** A loopback Wix answering each request with `answer`'s status and body; records method and path. */
async function localWix(answer: (path: string) => { status: number; body: unknown }) {
  const requests: { method: string; path: string }[] = [];
  const server = createServer((req, res) => {
    req.resume();
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    const { status, body } = answer(req.url ?? "");
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = new WixClient({
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey: "contract-key",
    siteId: "contract-site",
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return {
    products: new WixV1Products(client.http),
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function v1Wix(): Promise<RecordingWix & { products: WixV1Products }> {
  const wix = await recordingWix();
  return { ...wix, products: new WixV1Products(wix.client.http) };
}

describe("Catalog V1 products: our requests equal the official SDK's", () => {
  test("a product without options: create hidden, stock, image, then show (4 calls)", async () => {
    const wix = await v1Wix();
    const created: Wire<CreateProductResponseOriginal> = {
      product: { id: "p1", name: "Mug", sku: "MUG-1", variants: [{ id: "v0" }] },
    };
    wix.answer(created, {}, {}, { product: { id: "p1", visible: true } });
    const result = await wix.products.bulkCreateProducts([mug]);
    await wix.close();
    const sdk = [
      await sdkRequest((h) =>
        createProduct(h)({
          name: "Mug",
          description: "<p>Big &amp; blue</p>",
          visible: false,
          productType: "physical",
          brand: "Acme",
          priceData: { price: 9.99 },
          sku: "MUG-1",
          weight: 0.4,
        } as Any),
      ),
      await sdkRequest((h) =>
        updateInventoryVariants(h)("p1", {
          trackQuantity: true,
          variants: [{ variantId: "v0", quantity: 3 }],
        }),
      ),
      await sdkRequest((h) => addProductMedia(h)("p1", [{ url: "https://erp.example/files/mug.jpg" }])),
      await sdkRequest((h) => updateProduct(h)("p1", { visible: true })),
    ];
    expectSdkRequests(wix.requests, sdk);
    expect(result.results[0]).toMatchObject({
      itemMetadata: { id: "p1", originalIndex: 0, success: true },
      item: { id: "p1", revision: V1_REVISION, variantsInfo: { variants: [{ id: "v0", sku: "MUG-1" }] } },
    });
  });

  test("a product with variants: options with manageVariants, each variant by its choices, stock per variant", async () => {
    const wix = await v1Wix();
    const created: Wire<CreateProductResponseOriginal> = { product: { id: "p2", name: "Shirt" } };
    wix.answer(created, shirtVariants, {}, { product: { id: "p2" } });
    const result = await wix.products.bulkCreateProducts([shirt]);
    await wix.close();
    const sdk = [
      await sdkRequest((h) =>
        createProduct(h)({
          name: "Shirt",
          visible: false,
          productType: "physical",
          manageVariants: true,
          productOptions: shirtOptions,
          priceData: { price: 20 },
        } as Any),
      ),
      await sdkRequest((h) => updateProductVariants(h)("p2", shirtOverrides)),
      await sdkRequest((h) =>
        updateInventoryVariants(h)("p2", {
          trackQuantity: true,
          variants: [
            { variantId: "vs", quantity: 5 },
            { variantId: "vm", quantity: 0 },
          ],
        }),
      ),
      await sdkRequest((h) => updateProduct(h)("p2", { visible: true })),
    ];
    expectSdkRequests(wix.requests, sdk);
    expect(result.results[0]?.item?.variantsInfo.variants).toEqual([
      expect.objectContaining({ id: "vs", sku: "SHIRT-S", choices: [expect.anything()] }),
      expect.objectContaining({ id: "vm", sku: "SHIRT-M", price: { actualPrice: { amount: "22.5" } } }),
    ]);
  });

  test("a failed step after the create deletes the hidden product (Delete Product)", async () => {
    const wix = await localWix((path) =>
      path.includes("/inventoryItems/")
        ? { status: 400, body: { message: "bad" } }
        : { status: 200, body: { product: { id: "p1", variants: [{ id: "v0" }] } } },
    );
    const result = await wix.products.bulkCreateProducts([mug]);
    await wix.close();
    const sdk = await sdkRequest((h) => deleteProduct(h)("p1"));
    expect(wix.requests.at(-1)).toEqual({ method: sdk.method, path: sdk.path });
    expect(result.results[0]?.itemMetadata).toMatchObject({ success: false, error: { code: "HTTP_400" } });
  });

  test("Update Product, its options when Wix's differ, Update Variants; an update carrying an image (ours changed) replaces the product's media", async () => {
    const wix = await v1Wix();
    const update: WixProductUpdate = {
      id: "p2",
      revision: V1_REVISION,
      name: "Shirt",
      media: { itemsInfo: { items: [{ url: "https://erp.example/files/new.jpg" }] } },
      options: shirt.options ?? [],
      variantsInfo: { variants: shirt.variantsInfo.variants.map(({ inventoryItem: _, ...v }) => v) },
    };
    // Wix's product has only size S so far, and an image of its own.
    const patched: Wire<UpdateProductResponseOriginal> = {
      product: {
        id: "p2",
        name: "Shirt",
        manageVariants: true,
        productOptions: [{ name: "Size", choices: [{ value: "S", description: "S" }] }],
        media: { items: [{ id: "m1", image: { url: "https://static.wix.example/old.jpg" } }] },
      },
    };
    wix.answer(patched, { product: { id: "p2" } }, shirtVariants, {}, {});
    const updated = await wix.products.updateProduct(update);
    await wix.close();
    const sdk = [
      await sdkRequest((h) => updateProduct(h)("p2", { name: "Shirt", priceData: { price: 20 } } as Any)),
      await sdkRequest((h) =>
        updateProduct(h)("p2", {
          manageVariants: true,
          productOptions: shirtOptions,
        } as Any),
      ),
      await sdkRequest((h) => updateProductVariants(h)("p2", shirtOverrides)),
      await sdkRequest((h) => removeProductMedia(h)("p2", [])),
      await sdkRequest((h) => addProductMedia(h)("p2", [{ url: "https://erp.example/files/new.jpg" }])),
    ];
    expectSdkRequests(wix.requests, sdk);
    expect(updated).toMatchObject({ id: "p2", revision: V1_REVISION });
  });

  test("a hide is one Update Product with `visible: false`", async () => {
    const wix = await v1Wix();
    wix.answer({ product: { id: "p1", visible: false } });
    const result = await wix.products.bulkUpdateProducts([
      { id: "p1", revision: V1_REVISION, visible: false },
    ]);
    await wix.close();
    expectSdkRequests(wix.requests, [await sdkRequest((h) => updateProduct(h)("p1", { visible: false }))]);
    expect(result.results[0]?.itemMetadata.success).toBe(true);
  });

  test("Get Product, then its variants (Query Product Variants) when the answer has none", async () => {
    const wix = await v1Wix();
    const product: Wire<GetProductResponseOriginal> = {
      product: { id: "p1", name: "Mug", sku: "MUG-1", priceData: { price: 9.99 }, manageVariants: false },
    };
    const variants: Wire<QueryProductVariantsResponseOriginal> = { variants: [{ id: "v0", choices: {} }] };
    wix.answer(product, variants);
    const got = await wix.products.getProduct("p1");
    await wix.close();
    const sdkGet = await sdkRequest((h) => getProduct(h)("p1"));
    expect(wix.requests[0]?.method).toBe(restMethod(sdkGet));
    expect(wix.requests[0]?.path).toBe(sdkGet.path);
    expectSdkRequests(wix.requests.slice(1), [
      await sdkRequest((h) => queryProductVariants(h)("p1", { paging: { limit: 100, offset: 0 } })),
    ]);
    expect(got).toMatchObject({
      id: "p1",
      revision: V1_REVISION,
      variantsInfo: { variants: [{ id: "v0", sku: "MUG-1", price: { actualPrice: { amount: "9.99" } } }] },
    });
  });

  test("the SKU lookup reads Query Store Variants unfiltered, page by page, and matches product and variant SKUs", async () => {
    const wix = await v1Wix();
    const full: Wire<QueryStoreVariantsResponseOriginal> = {
      variants: Array.from({ length: 100 }, (_, i) => ({
        id: `p${i}-v${i}`,
        productId: `p${i}`,
        variantId: `v${i}`,
        managedVariant: true,
        sku: `OTHER-${i}`,
      })),
    };
    const last: Wire<QueryStoreVariantsResponseOriginal> = {
      variants: [
        { productId: "p2", variantId: "vs", sku: "SHIRT-S", productName: "Shirt", managedVariant: true },
        { productId: "p1", variantId: "v0", sku: "MUG-1", productName: "Mug", managedVariant: false },
      ],
    };
    wix.answer(full, last);
    const found = await wix.products.findVariantsBySku(["MUG-1", "SHIRT-S", "NOPE"]);
    await wix.close();
    expectSdkRequests(wix.requests, [
      await sdkRequest((h) => queryStoreVariants(h)({ paging: { limit: 100, offset: 0 } })),
      await sdkRequest((h) => queryStoreVariants(h)({ paging: { limit: 100, offset: 100 } })),
    ]);
    expect(found).toEqual([
      {
        variantId: "vs",
        sku: "SHIRT-S",
        productData: { productId: "p2", revision: V1_REVISION, name: "Shirt" },
      },
      { variantId: "v0", sku: "MUG-1", productData: { productId: "p1", revision: V1_REVISION, name: "Mug" } },
    ]);
  });
});

describe("Catalog V1 products: a refusal is a domain condition", () => {
  const refusingWix = (status: number) =>
    localWix(() => ({
      status,
      body: {
        message: "no",
        details: { applicationError: { code: "PRODUCT_NOT_FOUND", description: "gone" } },
      },
    }));

  test("404: Get Product answers undefined, Update Product throws NotFoundError with Wix's code", async () => {
    const wix = await refusingWix(404);
    expect(await wix.products.getProduct("p1")).toBeUndefined();
    const error = await wix.products
      .updateProduct({ id: "p1", revision: V1_REVISION, visible: false })
      .catch((e: unknown) => e);
    await wix.close();
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).details).toMatchObject({ status: 404, code: "PRODUCT_NOT_FOUND" });
  });

  test("a 404 in a bulk update is that product's refusal, with Wix's code", async () => {
    const wix = await refusingWix(404);
    const result = await wix.products.bulkUpdateProducts([
      { id: "p1", revision: V1_REVISION, visible: false },
    ]);
    await wix.close();
    expect(result.results[0]?.itemMetadata).toMatchObject({
      success: false,
      error: { code: "PRODUCT_NOT_FOUND" },
    });
  });
});

describe("Catalog V1 products in test mode: our read/write split is the SDK's", () => {
  test("every V1 catalog method reads in test mode exactly when the SDK's does (GET, or named as a read)", () => {
    const methods = Object.entries(v1Meta).flatMap(([name, builder]) => {
      if (typeof builder !== "function") return [];
      const meta = (
        builder as () => { httpMethod?: HttpRequest["method"]; getUrl?: (c: { host: string }) => string }
      )();
      if (!meta?.httpMethod || !meta.getUrl) return [];
      const path = meta.getUrl({ host: "www.wixapis.com" }).replace(/:[\w.]+/g, "x");
      const read = meta.httpMethod === "GET" || /^(get|list|query|search|count)[A-Z]/.test(name);
      return [{ name, read, sent: isWixRead({ method: meta.httpMethod, path }) }];
    });
    expect(methods.length).toBeGreaterThan(20);
    expect(methods.filter((m) => m.read !== m.sent)).toEqual([]);
  });
});
