/**
 * The sandbox Wix's Catalog V1 mode follows the SDK (@wix/auto_sdk_stores_products, _inventory,
 * _collections build/cjs: meta.d.ts wire types, index.js request paths, index.typings.d.ts docs),
 * not our client: each rule below names the SDK fact it comes from.
 */
import { beforeEach, describe, expect, test } from "@jest/globals";
import { readSandboxCatalog } from "#infra/local/bootstrap";
import { WixSandbox } from "#infra/sandbox/wix/index";
import { ALL_PRODUCTS_ID } from "#infra/sandbox/wix/v1-collections";
import { DEFAULT_VARIANT_ID } from "#infra/sandbox/wix/v1-products";
import { callSandbox } from "../integration/sandbox-call";

const auth = { authorization: "k", "wix-site-id": "site" };
const newSandbox = (catalogVersion: "V1_CATALOG" | "V3_CATALOG" = "V1_CATALOG") =>
  new WixSandbox({ apiKey: "k", siteId: "site", catalogVersion });

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field in the assertions
type Json = Record<string, any>;
let wix: WixSandbox;
const api = (method: string, path: string, body?: unknown) =>
  callSandbox<Json>(wix, method, path, body, auth);
const mug = { name: "Mug", priceData: { price: 12.5 }, costAndProfitData: { itemCost: 4 }, sku: "MUG-1" };
const create = async (product: Json) => {
  const res = await api("POST", "/stores/v1/products", { product });
  expect(res.status).toBe(200);
  return res.body.product as Json;
};
const shirt = () =>
  create({
    name: "Shirt",
    priceData: { price: 20 },
    costAndProfitData: { itemCost: 8 },
    manageVariants: true,
    productOptions: [
      {
        name: "Size",
        choices: [
          { value: "S", description: "S" },
          { value: "M", description: "M" },
          { value: "L", description: "L" },
        ],
      },
      {
        name: "Color",
        choices: [
          { value: "Red", description: "Red" },
          { value: "Blue", description: "Blue" },
        ],
      },
    ],
  });
const violations = (res: { body: Json }) =>
  (res.body.details?.validationError?.fieldViolations ?? []).map((v: { field: string }) => v.field);

beforeEach(() => {
  wix = newSandbox();
});

describe("catalog version", () => {
  test("a V1 site answers V1_CATALOG and refuses V3 calls with 428", async () => {
    expect((await api("GET", "/stores/v3/provision/version")).body).toEqual({ catalogVersion: "V1_CATALOG" });
    const v3 = await api("POST", "/stores/v3/inventory-items/query", { query: {} });
    expect(v3.status).toBe(428);
    expect(v3.body.details.applicationError.code).toBe("CATALOG_V1_SITE_CALLING_CATALOG_V3_API");
  });

  test("a V3 site refuses V1 calls with 428 (the mirror code: Wix's docs name none)", async () => {
    wix = newSandbox("V3_CATALOG");
    const res = await api("POST", "/stores/v1/products", { product: mug });
    expect(res.status).toBe(428);
    expect(res.body.details.applicationError.code).toBe("CATALOG_V3_SITE_CALLING_CATALOG_V1_API");
  });
});

describe("V1 products (CatalogWriteApi /stores/v1/products, CatalogReadApi /stores-reader/v1/products)", () => {
  test("Create Product requires name, priceData.price, and itemCost when a cost is given (@requiredField)", async () => {
    const res = await api("POST", "/stores/v1/products", { product: { sku: "X", costAndProfitData: {} } });
    expect(res.status).toBe(400);
    expect(violations(res)).toEqual(
      expect.arrayContaining([
        "product.name",
        "product.priceData.price",
        "product.costAndProfitData.itemCost",
      ]),
    );
    const noCost = await api("POST", "/stores/v1/products", {
      product: { name: "No cost", priceData: { price: 1 } },
    });
    expect(noCost.status).toBe(200);
  });

  test("name is at most 80 characters, sku 40 (@maxLength); only physical products are created", async () => {
    const res = await api("POST", "/stores/v1/products", {
      product: { ...mug, name: "n".repeat(81), sku: "s".repeat(41), productType: "digital" },
    });
    expect(violations(res)).toEqual(["product.productType", "product.name", "product.sku"]);
  });

  test("a product without managed variants has one default variant carrying its SKU and price", async () => {
    const p = await create(mug);
    expect(p.variants).toEqual([
      expect.objectContaining({
        id: DEFAULT_VARIANT_ID,
        choices: {},
        variant: expect.objectContaining({ sku: "MUG-1" }),
      }),
    ]);
    expect(p.variants[0].variant.priceData.price).toBe(12.5);
    expect(p).not.toHaveProperty("revision"); // V1 has no revisions
  });

  test("managed variants: one per combination of choices, each with its own GUID; the product SKU is empty", async () => {
    const p = await shirt();
    expect(p.variants).toHaveLength(6);
    expect(new Set(p.variants.map((v: Json) => v.id)).size).toBe(6);
    expect(p.variants.map((v: Json) => v.choices)).toContainEqual({ Size: "M", Color: "Blue" });
    expect(p.sku).toBe("");
  });

  test("Update Variants by partial choices or by variant ids sets sku, price, weight, visible", async () => {
    const p = await shirt();
    const red = await api("PATCH", `/stores/v1/products/${p.id}/variants`, {
      variants: [{ choices: { Color: "Red" }, price: 22 }],
    });
    expect(red.body.variants.filter((v: Json) => v.variant.priceData.price === 22)).toHaveLength(3);
    const one = p.variants[0].id;
    await api("PATCH", `/stores/v1/products/${p.id}/variants`, {
      variants: [{ variantIds: [one], sku: "SHIRT-S-RED", weight: 0.3, visible: false }],
    });
    const got = (await api("GET", `/stores-reader/v1/products/${p.id}`)).body.product;
    expect(got.variants[0].variant).toMatchObject({ sku: "SHIRT-S-RED", weight: 0.3, visible: false });
  });

  test("Update Variants is for a product with managed variants only", async () => {
    const p = await create(mug);
    const res = await api("PATCH", `/stores/v1/products/${p.id}/variants`, { variants: [{ price: 1 }] });
    expect(res.status).toBe(400);
  });

  test("changing the options keeps the variants of kept combinations", async () => {
    const p = await shirt();
    const small = p.variants.find((v: Json) => v.choices.Size === "S" && v.choices.Color === "Red").id;
    const res = await api("PATCH", `/stores/v1/products/${p.id}`, {
      product: { productOptions: [{ name: "Size", choices: [{ value: "S" }] }, p.productOptions[1]] },
    });
    expect(res.body.product.variants.map((v: Json) => v.id)).toContain(small);
    expect(res.body.product.variants).toHaveLength(2);
  });

  test("media is added by URL (answered as Wix's copy) and removed by media id; brand is set and removed", async () => {
    const p = await create({ ...mug, brand: "Acme" });
    await api("POST", `/stores/v1/products/${p.id}/media`, { media: [{ url: "https://example.com/a.jpg" }] });
    let got = (await api("GET", `/stores-reader/v1/products/${p.id}`)).body.product;
    // Wix copies the file into its Media: its own id and URL, never the URL sent.
    expect(got.media.items[0].image.url).toBe(`https://static.wixstatic.com/media/${got.media.items[0].id}`);
    expect(got.brand).toBe("Acme");
    await api("POST", `/stores/v1/products/${p.id}/media/delete`, { mediaIds: [got.media.items[0].id] });
    await api("POST", `/stores/v1/products/${p.id}/remove-brand`, {});
    got = (await api("GET", `/stores-reader/v1/products/${p.id}`)).body.product;
    expect(got.media.items).toEqual([]);
    expect(got).not.toHaveProperty("brand");
  });
});

describe("Query Products (ProductQuerySpec, offset paging)", () => {
  const query = (q: Json, extra: Json = {}) =>
    api("POST", "/stores-reader/v1/products/query-platformized", { query: q, ...extra });

  test("a declared field filters; an undeclared one (brand) or operator ($eq on collectionIds) is refused", async () => {
    await create(mug);
    await create({ ...mug, name: "Plate", sku: "PLATE-1" });
    const found = await query({ filter: { sku: { $in: ["PLATE-1"] } }, paging: { limit: 100 } });
    expect(found.body.products.map((p: Json) => p.name)).toEqual(["Plate"]);
    expect(found.body.products[0]).not.toHaveProperty("variants");
    expect((await query({ filter: { brand: "Acme" } })).status).toBe(400);
    expect((await query({ filter: { collectionIds: { $eq: "x" } } })).status).toBe(400);
    expect((await query({ sort: [{ fieldName: "description" }] })).status).toBe(400);
  });

  test("V1 reads count as reads, not writes (what a rerun's zero writes is measured by)", async () => {
    const p = await create(mug);
    const before = { ...wix.calls };
    await query({ filter: { sku: "MUG-1" } });
    await api("POST", `/stores-reader/v2/inventoryItems/${p.inventoryItemId}/getVariants`, {});
    await api("POST", "/v2/collections/query", { query: {} });
    expect(wix.calls).toEqual({ reads: before.reads + 3, writes: before.writes });
  });

  test("at most 100 a page, offset paging only", async () => {
    expect((await query({ paging: { limit: 101 } })).status).toBe(400);
    expect((await query({ cursorPaging: { limit: 10 } })).status).toBe(400);
  });

  test("hidden products are left out, includeHiddenProducts or not (the platformized request has no such field)", async () => {
    await create({ ...mug, visible: false });
    expect((await query({ filter: { sku: "MUG-1" } })).body.products).toEqual([]);
    expect(
      (await query({ filter: { sku: "MUG-1" } }, { includeHiddenProducts: true })).body.products,
    ).toEqual([]);
  });

  test("a managed variant's SKU is not the product's: Query Store Variants finds it", async () => {
    const p = await shirt();
    await api("PATCH", `/stores/v1/products/${p.id}/variants`, {
      variants: [{ variantIds: [p.variants[1].id], sku: "SH-1" }],
    });
    expect((await query({ filter: { sku: "SH-1" } })).body.products).toEqual([]);
    const res = await api("POST", "/stores-reader/v1/variants/query", {
      query: { filter: { sku: { $in: ["SH-1"] } } },
    });
    expect(res.body.variants).toEqual([
      expect.objectContaining({
        productId: p.id,
        variantId: p.variants[1].id,
        managedVariant: true,
        sku: "SH-1",
      }),
    ]);
  });
});

describe("V1 inventory (/stores/v2/inventoryItems, /stores-reader/v2/inventoryItems)", () => {
  const update = (productId: string, inventoryItem: Json) =>
    api("PATCH", `/stores/v2/inventoryItems/product/${productId}`, { inventoryItem });
  const stockOf = async (productId: string) =>
    (await api("GET", `/stores-reader/v1/products/${productId}`)).body.product.variants.map(
      (v: Json) => v.stock,
    );

  test("an update without trackQuantity stops tracking for ALL variants (InventoryItemV2.trackQuantity doc)", async () => {
    const p = await shirt();
    const [a, b] = p.variants as Json[];
    await update(p.id, {
      trackQuantity: true,
      variants: [
        { variantId: a?.id, quantity: 5 },
        { variantId: b?.id, quantity: 0 },
      ],
    });
    let stock = await stockOf(p.id);
    expect(stock[0]).toEqual({ trackQuantity: true, quantity: 5, inStock: true });
    expect(stock[1]).toEqual({ trackQuantity: true, quantity: 0, inStock: false });
    await update(p.id, { variants: [{ variantId: a?.id, quantity: 7 }] });
    stock = await stockOf(p.id);
    expect(stock.every((s: Json) => s.trackQuantity === false)).toBe(true);
  });

  test("one inventory item per product, quantities per variant; the query filter is a JSON string", async () => {
    const p = await create(mug);
    await update(p.id, { trackQuantity: true, variants: [{ variantId: DEFAULT_VARIANT_ID, quantity: 3 }] });
    const res = await api("POST", "/stores-reader/v2/inventoryItems/query", {
      query: { filter: JSON.stringify({ productId: { $in: [p.id] } }), paging: { limit: 100 } },
    });
    expect(res.body.inventoryItems).toEqual([
      expect.objectContaining({
        productId: p.id,
        trackQuantity: true,
        variants: [expect.objectContaining({ variantId: DEFAULT_VARIANT_ID, quantity: 3 })],
      }),
    ]);
    expect(res.body.inventoryItems[0]).not.toHaveProperty("locationId"); // V1 has no locations
    const bad = await api("POST", "/stores-reader/v2/inventoryItems/query", {
      query: { filter: JSON.stringify({ sku: "x" }) },
    });
    expect(bad.status).toBe(400);
  });

  test("a quantity above 99999 (VariantStock.quantity @max) or of another product's variant is refused", async () => {
    const p = await create(mug);
    expect(
      (
        await update(p.id, {
          trackQuantity: true,
          variants: [{ variantId: DEFAULT_VARIANT_ID, quantity: 100000 }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await update(p.id, { trackQuantity: true, variants: [{ variantId: "nope", quantity: 1 }] })).status,
    ).toBe(400);
  });

  test("the body's productId (the SDK's builder sends the path's) must be the path's product", async () => {
    const p = await create(mug);
    const other = await create({ ...mug, sku: "MUG-2" });
    expect((await update(p.id, { productId: other.id, trackQuantity: true, variants: [] })).status).toBe(400);
    expect((await update(p.id, { productId: p.id, trackQuantity: true, variants: [] })).status).toBe(200);
  });
});

describe("V1 collections", () => {
  test("create, add products (<= 1000), query by name (CollectionQuerySpec: id, name)", async () => {
    const p = await create(mug);
    const c = (await api("POST", "/stores/v1/collections", { collection: { name: "Mugs" } })).body.collection;
    expect(
      (await api("POST", `/stores/v1/collections/${c.id}/productIds`, { productIds: [p.id] })).status,
    ).toBe(200);
    const tooMany = Array.from({ length: 1001 }, () => p.id);
    expect(
      (await api("POST", `/stores/v1/collections/${c.id}/productIds`, { productIds: tooMany })).status,
    ).toBe(400);
    const found = await api("POST", "/v2/collections/query", { query: { filter: { name: "Mugs" } } });
    expect(found.body.collections).toEqual([expect.objectContaining({ id: c.id, numberOfProducts: 1 })]);
    expect((await api("POST", "/v2/collections/query", { query: { filter: { slug: "mugs" } } })).status).toBe(
      400,
    );
    expect(wix.v1CollectionsOf(p.id)).toEqual(["Mugs"]);
  });

  test("every store has the All Products collection (a 35-character id, Collection.id @minLength 35)", async () => {
    await create(mug);
    const res = await api("POST", "/stores-reader/v2/collections/query", { query: {} });
    expect(res.body.collections[0]).toMatchObject({
      id: ALL_PRODUCTS_ID,
      name: "All Products",
      numberOfProducts: 1,
    });
    expect(ALL_PRODUCTS_ID).toHaveLength(35);
  });
});

describe("orders of V1 products (CatalogReference.options: V1 eCommerce integration)", () => {
  test("a managed variant's line names its variantId and SKU, and decrements the tracked stock", async () => {
    const p = await shirt();
    const v = p.variants[2] as Json;
    await api("PATCH", `/stores/v1/products/${p.id}/variants`, {
      variants: [{ variantIds: [v.id], sku: "SH-3" }],
    });
    await api("PATCH", `/stores/v2/inventoryItems/product/${p.id}`, {
      inventoryItem: { trackQuantity: true, variants: [{ variantId: v.id, quantity: 4 }] },
    });
    const order = wix.placeOrder({ lines: [{ sku: "SH-3", quantity: 3 }] });
    expect(order.lineItems[0]).toMatchObject({
      catalogReference: { catalogItemId: p.id, options: { variantId: v.id } },
      physicalProperties: { sku: "SH-3" },
      price: { amount: "20.00" },
    });
    expect(wix.v1Variants().find((x) => x.sku === "SH-3")?.stock).toEqual({
      trackQuantity: true,
      quantity: 1,
      inStock: true,
    });
  });

  test("without managed variants the line carries the chosen options; untracked stock does not move", async () => {
    const p = await create({ ...mug, productOptions: [{ name: "Size", choices: [{ value: "L" }] }] });
    const order = wix.placeOrder({ lines: [{ sku: "MUG-1", quantity: 1 }] });
    expect(order.lineItems[0]?.catalogReference).toEqual({
      catalogItemId: p.id,
      appId: "215238eb-22a5-4c36-9e7b-e7c08025e04e",
      options: { options: { Size: "L" } },
    });
    expect(wix.v1Variants()[0]?.stock).toEqual({ trackQuantity: false, inStock: true });
  });
});

describe("migration to V3", () => {
  test("product ids are kept; variant ids are new; SKUs, prices, stock and collections carry over", async () => {
    const p = await shirt();
    const v = p.variants[0] as Json;
    await api("PATCH", `/stores/v1/products/${p.id}/variants`, {
      variants: [{ variantIds: [v.id], sku: "SH-A", price: 21 }],
    });
    await api("PATCH", `/stores/v2/inventoryItems/product/${p.id}`, {
      inventoryItem: { trackQuantity: true, variants: [{ variantId: v.id, quantity: 9 }] },
    });
    const c = (await api("POST", "/stores/v1/collections", { collection: { name: "Shirts" } })).body
      .collection;
    await api("POST", `/stores/v1/collections/${c.id}/productIds`, { productIds: [p.id] });

    wix.migrateToV3();
    expect((await api("GET", "/stores/v3/provision/version")).body.catalogVersion).toBe("V3_CATALOG");
    expect((await api("GET", `/stores-reader/v1/products/${p.id}`)).status).toBe(428);
    const v3 = wix.get(p.id);
    expect(v3.variantsInfo.variants).toHaveLength(6);
    const a = v3.variantsInfo.variants.find((x) => x.sku === "SH-A");
    expect(a?.price.actualPrice.amount).toBe("21");
    expect(a?.id).not.toBe(v.id);
    expect(wix.inventoryForSku("SH-A")).toMatchObject({ quantity: 9, trackQuantity: true, productId: p.id });
    expect(wix.categoriesOf(p.id)).toEqual(["Shirts"]);
  });

  test("the snapshot keeps V1 data and the catalog version across a restart", async () => {
    const p = await create(mug);
    const saved = JSON.parse(JSON.stringify(wix.snapshot()));
    const restarted = newSandbox("V3_CATALOG");
    restarted.restore(saved);
    expect(restarted.catalogVersion).toBe("V1_CATALOG");
    expect(restarted.v1Product(p.id).name).toBe("Mug");
  });
});

describe("WIX_SANDBOX_CATALOG", () => {
  test("V1 for every site, name=V3 for one; unknown values and sites are refused", () => {
    const c = readSandboxCatalog({ WIX_SANDBOX_CATALOG: "V1, eu=V3" }, ["us", "eu"]);
    expect([c.versionOf("us"), c.versionOf("eu"), c.versionOf()]).toEqual([
      "V1_CATALOG",
      "V3_CATALOG",
      "V1_CATALOG",
    ]);
    expect(readSandboxCatalog({}, []).versionOf()).toBe("V3_CATALOG");
    expect(readSandboxCatalog({ WIX_SANDBOX_CATALOG: "V2,fr=V1" }, ["us"]).problems).toHaveLength(2);
  });
});
