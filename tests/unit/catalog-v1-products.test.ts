import { describe, expect, test } from "@jest/globals";
import { HttpError, PermanentError } from "#shared/errors";
import { Publisher } from "#shared/flows/products/publish";
import type { CatalogVersion, WixNewProduct, WixVariantWithStock } from "#shared/flows/wix-catalog";
import type { HttpClient, HttpRequest, HttpResponse } from "#shared/http/client";
import { SiteCatalog, type V3Catalog } from "#shared/wix/catalog";
import { WixV1Collections } from "#shared/wix/catalog-v1/collections";
import { v1InventoryId, WixV1Inventory } from "#shared/wix/catalog-v1/inventory";
import {
  fromV1,
  toV1Write,
  V1_DESCRIPTION_MAX,
  v1Description,
  WixV1Products,
} from "#shared/wix/catalog-v1/products";
import { FakeState } from "./flows/fakes";

/**
 * An in-memory stand-in for our HttpClient (shared/http/client.ts): answers each request from
 * `route`, records them in order. Wix's own behaviour is the contract tests' business.
 */
class FakeHttp {
  readonly calls: HttpRequest[] = [];
  constructor(private readonly route: (req: HttpRequest, n: number) => unknown) {}
  async send<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    this.calls.push(req);
    const body = this.route(req, this.calls.length);
    return { status: 200, headers: {}, body: body as T };
  }
  get asClient(): HttpClient {
    return this as unknown as HttpClient;
  }
  /** "METHOD /path" of each request, in order. */
  get lines(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }
}

const variant = (
  sku: string,
  amount: string,
  extra: Partial<WixVariantWithStock> = {},
): WixVariantWithStock => ({
  sku,
  visible: true,
  choices: [],
  price: { actualPrice: { amount } },
  physicalProperties: {},
  inventoryItem: { quantity: 2 },
  ...extra,
});

const simple = (sku: string, visible = true): WixNewProduct => ({
  name: sku,
  visible,
  productType: "PHYSICAL",
  physicalProperties: {},
  options: [],
  variantsInfo: { variants: [variant(sku, "5")] },
});

const choice = (optionName: string, choiceName: string) => ({
  optionChoiceNames: { optionName, choiceName },
});
const option = (name: string, choices: string[]) => ({
  name,
  choicesSettings: { choices: choices.map((c) => ({ name: c })) },
});

/** Wix answers a create with the product (and its default variant); everything else with `{}`. */
const wixAnswers = (req: HttpRequest, n: number) =>
  req.method === "POST" && req.path === "/stores/v1/products"
    ? { product: { id: `p${n}`, variants: [{ id: "v0" }] } }
    : {};

const refusal = (status: number, code?: string) =>
  new HttpError(`Wix -> ${status}`, status, status >= 500 || status === 429, code ? { code } : {});

describe("V1 products: translating the V3-shaped product", () => {
  test("a product without options carries its one variant's SKU, price and weight itself", () => {
    const { product, overrides } = toV1Write({
      ...simple("MUG"),
      brand: { name: "Acme" },
      variantsInfo: { variants: [variant("MUG", "1.275", { physicalProperties: { weight: 0.4 } })] },
    });
    expect(product).toEqual({
      name: "MUG",
      visible: true,
      productType: "physical",
      brand: "Acme",
      priceData: { price: 1.275 },
      sku: "MUG",
      weight: 0.4,
    });
    expect(overrides).toBeUndefined();
  });

  test("with options, the combinations no ERPNext variant has are hidden; the product price is the lowest", () => {
    const { product, overrides } = toV1Write({
      ...simple("SHIRT"),
      options: [option("Size", ["S", "M"]), option("Color", ["Red", "Blue"])],
      variantsInfo: {
        variants: [
          variant("S-RED", "20", { choices: [choice("Size", "S"), choice("Color", "Red")] }),
          variant("M-RED", "18", { choices: [choice("Size", "M"), choice("Color", "Red")] }),
          variant("S-BLUE", "21", {
            choices: [choice("Size", "S"), choice("Color", "Blue")],
            visible: false,
          }),
        ],
      },
    });
    expect(product).toMatchObject({ manageVariants: true, priceData: { price: 18 } });
    expect(product.sku).toBeUndefined();
    expect(overrides).toEqual([
      { choices: { Size: "S", Color: "Red" }, sku: "S-RED", price: 20, visible: true },
      { choices: { Size: "M", Color: "Red" }, sku: "M-RED", price: 18, visible: true },
      { choices: { Size: "S", Color: "Blue" }, sku: "S-BLUE", price: 21, visible: false },
      { choices: { Size: "M", Color: "Blue" }, visible: false },
    ]);
  });

  test("more than 300 combinations is refused before any call (V1 cannot manage them)", () => {
    const many = Array.from({ length: 20 }, (_, i) => `c${i}`);
    expect(() =>
      toV1Write({
        ...simple("BIG"),
        options: [option("A", many), option("B", many)],
        variantsInfo: {
          variants: [variant("BIG-1", "1", { choices: [choice("A", "c0"), choice("B", "c0")] })],
        },
      }),
    ).toThrow(PermanentError);
  });

  test("a description over V1's 8,000 characters goes as text, never a cut tag or entity", () => {
    expect(v1Description("<p>short &amp; sweet</p>")).toBe("<p>short &amp; sweet</p>");
    const long = `<p>${"a".repeat(7_996)} &amp; more</p>${"<b>x</b>".repeat(100)}`;
    const cut = v1Description(long);
    expect(cut.length).toBeLessThanOrEqual(V1_DESCRIPTION_MAX);
    expect(cut).not.toMatch(/[<>]/);
    expect(cut).not.toMatch(/&[^;]*$/);
  });

  test("a V1 product without managed variants reads back as one default variant with its id", () => {
    const product = fromV1({ id: "p1", name: "Mug", sku: "MUG", priceData: { price: 9.5 }, weight: 0.2 }, [
      { id: "v0" },
    ]);
    expect(product).toMatchObject({
      id: "p1",
      revision: "v1",
      options: [],
      variantsInfo: {
        variants: [
          {
            id: "v0",
            sku: "MUG",
            choices: [],
            price: { actualPrice: { amount: "9.5" } },
            physicalProperties: { weight: 0.2 },
          },
        ],
      },
    });
  });
});

describe("V1 products: one product at a time", () => {
  test("never sellable before its stock: created hidden, stock set, then shown", async () => {
    const http = new FakeHttp(wixAnswers);
    await new WixV1Products(http.asClient).bulkCreateProducts([simple("MUG")]);
    expect(http.lines).toEqual([
      "POST /stores/v1/products",
      "PATCH /stores/v2/inventoryItems/product/p1",
      "PATCH /stores/v1/products/p1",
    ]);
    expect(http.calls[0]?.body).toMatchObject({ product: { visible: false } });
    expect(http.calls[1]?.body).toMatchObject({
      inventoryItem: { trackQuantity: true, variants: [{ variantId: "v0", quantity: 2 }] },
    });
    expect(http.calls[2]?.body).toEqual({ product: { id: "p1", visible: true } });
  });

  test("a product meant hidden is never shown", async () => {
    const http = new FakeHttp(wixAnswers);
    await new WixV1Products(http.asClient).bulkCreateProducts([simple("OFF", false)]);
    expect(http.lines).toEqual(["POST /stores/v1/products", "PATCH /stores/v2/inventoryItems/product/p1"]);
  });

  test("a refused product is its own result; the others are created", async () => {
    const http = new FakeHttp((req, n) => {
      if (req.method === "POST" && (req.body as { product: { name: string } }).product.name === "BAD")
        throw refusal(400, "INVALID_PRODUCT");
      return wixAnswers(req, n);
    });
    const result = await new WixV1Products(http.asClient).bulkCreateProducts([
      simple("A"),
      simple("BAD"),
      simple("C"),
    ]);
    expect(result.results.map((r) => [r.itemMetadata.originalIndex, r.itemMetadata.success])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
    expect(result.results[1]?.itemMetadata.error).toMatchObject({ code: "INVALID_PRODUCT" });
    expect(result.bulkActionMetadata).toEqual({ totalSuccesses: 2, totalFailures: 1, undetailedFailures: 0 });
  });

  test("a retryable error is thrown, never reported as the product's refusal", async () => {
    const http = new FakeHttp((req, n) => {
      if (req.method === "POST" && (req.body as { product: { name: string } }).product.name === "B")
        throw refusal(503);
      return wixAnswers(req, n);
    });
    const error = await new WixV1Products(http.asClient)
      .bulkCreateProducts([simple("A"), simple("B"), simple("C")])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).retryable).toBe(true);
    // A was made whole (found by SKU on the retry); C was never tried.
    expect(http.lines.filter((l) => l === "POST /stores/v1/products")).toHaveLength(2);
  });

  test("a step failing after the create deletes the hidden product, then the error goes on", async () => {
    const http = new FakeHttp((req, n) => {
      if (req.path.startsWith("/stores/v2/inventoryItems/")) throw refusal(503);
      return wixAnswers(req, n);
    });
    const error = await new WixV1Products(http.asClient).bulkCreateProducts([simple("A")]).catch((e) => e);
    expect((error as HttpError).status).toBe(503);
    expect(http.lines.at(-1)).toBe("DELETE /stores/v1/products/p1");
    expect(http.lines).not.toContain("PATCH /stores/v1/products/p1");
  });

  test("a variant Wix did not keep fails that product (its stock could not be set), and it is deleted", async () => {
    const http = new FakeHttp((req, n) =>
      req.path.endsWith("/variants")
        ? { variants: [{ id: "vs", variant: { sku: "S" } }] }
        : wixAnswers(req, n),
    );
    const result = await new WixV1Products(http.asClient).bulkCreateProducts([
      {
        ...simple("SHIRT"),
        options: [option("Size", ["S", "M"])],
        variantsInfo: {
          variants: [
            variant("S", "1", { choices: [choice("Size", "S")] }),
            variant("M", "1", { choices: [choice("Size", "M")] }),
          ],
        },
      },
    ]);
    expect(result.results[0]?.itemMetadata).toMatchObject({ success: false, error: { code: "REFUSED" } });
    expect(http.lines.at(-1)).toBe("DELETE /stores/v1/products/p1");
  });

  test("an update whose options are already Wix's does not send them again (V1 could rebuild the variants)", async () => {
    const http = new FakeHttp((req) =>
      req.path.endsWith("/variants")
        ? { variants: [{ id: "vs", choices: { Size: "S" }, variant: { sku: "S" } }] }
        : {
            product: {
              id: "p1",
              manageVariants: true,
              productOptions: [{ name: "Size", choices: [{ value: "S", description: "S" }] }],
            },
          },
    );
    await new WixV1Products(http.asClient).updateProduct({
      id: "p1",
      revision: "v1",
      options: [option("Size", ["S"])],
      variantsInfo: { variants: [{ ...variant("S", "1", { choices: [choice("Size", "S")] }), id: "vs" }] },
    });
    expect(http.lines).toEqual(["PATCH /stores/v1/products/p1", "PATCH /stores/v1/products/p1/variants"]);
    expect(http.calls[0]?.body).toEqual({ product: { id: "p1", priceData: { price: 1 } } });
  });
});

/** The port as the flow gets it: the V1 adapter, with the catalog version the site's SiteCatalog answers. */
const v1Catalog = (http: FakeHttp) =>
  Object.assign(new WixV1Products(http.asClient), { catalogVersion: async () => "V1_CATALOG" as const });

describe("the products flow over V1 (Publisher with the V1 adapter)", () => {
  const template = {
    ...simple("SHIRT"),
    options: [option("Size", ["S", "M"])],
    variantsInfo: {
      variants: [
        variant("SHIRT-S", "20", { choices: [choice("Size", "S")] }),
        variant("SHIRT-M", "22", { choices: [choice("Size", "M")] }),
      ],
    },
  };
  const shirtVariants = {
    variants: [
      { id: "vs", choices: { Size: "S" }, variant: { sku: "SHIRT-S" } },
      { id: "vm", choices: { Size: "M" }, variant: { sku: "SHIRT-M" } },
    ],
  };

  test("a created template maps each variant SKU to its V1 variant id; a simple item to its default variant", async () => {
    const http = new FakeHttp((req, n) =>
      req.path.endsWith("/variants") ? shirtVariants : wixAnswers(req, n),
    );
    const state = new FakeState();
    const publisher = new Publisher({
      wix: v1Catalog(http),
      state,
      quantities: async () => new Map([["SHIRT-S", 4]]),
    });
    const results = await publisher.create([
      { itemCode: "SHIRT", product: template, hash: "h1", variantCodes: ["SHIRT-S", "SHIRT-M"] },
      { itemCode: "MUG", product: simple("MUG"), hash: "h2" },
    ]);
    expect(results.map((r) => [r.itemCode, r.outcome])).toEqual([
      ["SHIRT", "created"],
      ["MUG", "created"],
    ]);
    expect(state.mappings.get("SHIRT")).toMatchObject({ productId: "p1", revision: "v1" });
    expect(state.mappings.get("SHIRT-S")).toMatchObject({
      productId: "p1",
      variantId: "vs",
      variantOf: "SHIRT",
    });
    expect(state.mappings.get("SHIRT-M")).toMatchObject({ productId: "p1", variantId: "vm" });
    expect(state.mappings.get("MUG")).toMatchObject({ productId: "p5", variantId: "v0" });
    // The opening stock came from the flow's quantities.
    expect(http.calls[2]?.body).toMatchObject({
      inventoryItem: {
        variants: [
          { variantId: "vs", quantity: 4 },
          { variantId: "vm", quantity: 0 },
        ],
      },
    });
  });

  test("an existing V1 product with the SKU is linked and updated, never created again", async () => {
    const http = new FakeHttp((req) =>
      req.path === "/stores-reader/v1/variants/query"
        ? { variants: [{ productId: "old", variantId: "v0", sku: "MUG", managedVariant: false }] }
        : { product: { id: "old" } },
    );
    const state = new FakeState();
    const publisher = new Publisher({ wix: v1Catalog(http), state });
    const plan = { itemCode: "MUG", product: simple("MUG"), hash: "h" };
    const linked = await publisher.link([plan]);
    const results = await publisher.update([plan], linked);
    expect(results).toEqual([{ itemCode: "MUG", outcome: "linked" }]);
    expect(state.mappings.get("MUG")).toMatchObject({ productId: "old", variantId: "v0" });
    expect(http.lines).toEqual(["POST /stores-reader/v1/variants/query", "PATCH /stores/v1/products/old"]);
  });
});

describe("V1 images: Wix keeps its own copy, so only a change of our image touches media", () => {
  const mugImage = "https://erp.example/files/mug.jpg";
  /** Wix answers the product with its copy of our image (its own media id and URL, never ours). */
  const wixMug = () =>
    new FakeHttp(() => ({
      product: {
        id: "p1",
        media: {
          items: [
            {
              id: "abc123_copy~mv2.jpg",
              image: { url: "https://static.wixstatic.com/media/abc123_copy~mv2.jpg" },
            },
            { id: "merchant~mv2.jpg", image: { url: "https://static.wixstatic.com/media/merchant~mv2.jpg" } },
          ],
        },
      },
    }));
  const published = (image: string, price: string) => ({
    itemCode: "MUG",
    hash: `h-${image}-${price}`,
    product: {
      ...simple("MUG"),
      media: { itemsInfo: { items: [{ url: image }] } },
      variantsInfo: { variants: [{ ...variant("MUG", price), id: "v0" }] },
    },
    mapping: {
      itemCode: "MUG",
      productId: "p1",
      variantId: "v0",
      revision: "v1",
      hash: "h-old",
      image: mugImage,
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
    },
  });

  test("a price change makes no media call: the merchant's images and our copy stay", async () => {
    const http = wixMug();
    const state = new FakeState();
    const results = await new Publisher({ wix: v1Catalog(http), state }).update([published(mugImage, "6")]);
    expect(results).toEqual([{ itemCode: "MUG", outcome: "updated" }]);
    expect(http.lines).toEqual(["PATCH /stores/v1/products/p1"]);
    expect(state.mappings.get("MUG")?.image).toBe(mugImage);
  });

  test("a new image of ours replaces the media and is remembered for the next update", async () => {
    const http = wixMug();
    const state = new FakeState();
    const newImage = "https://erp.example/files/mug-2.jpg";
    await new Publisher({ wix: v1Catalog(http), state }).update([published(newImage, "5")]);
    expect(http.lines).toEqual([
      "PATCH /stores/v1/products/p1",
      "POST /stores/v1/products/p1/media/delete",
      "POST /stores/v1/products/p1/media",
    ]);
    expect(http.calls[2]?.body).toEqual({ id: "p1", media: [{ url: newImage }] });
    expect(state.mappings.get("MUG")?.image).toBe(newImage);
  });

  test("a created product remembers the image it was created with", async () => {
    const http = new FakeHttp(wixAnswers);
    const state = new FakeState();
    const product = { ...simple("MUG"), media: { itemsInfo: { items: [{ url: mugImage }] } } };
    await new Publisher({ wix: v1Catalog(http), state }).create([{ itemCode: "MUG", product, hash: "h" }]);
    expect(state.mappings.get("MUG")?.image).toBe(mugImage);
  });
});

describe("finding V1 variants by SKU (no SKU filter: the store's variants are read)", () => {
  const store = (variants: { productId: string; variantId: string; sku: string }[]) => (req: HttpRequest) =>
    req.path === "/stores-reader/v1/variants/query"
      ? {
          variants: (req.body as { query: { paging: { offset: number } } }).query.paging.offset
            ? []
            : variants,
        }
      : wixAnswers(req, 0);
  const reads = (http: FakeHttp) => http.lines.filter((l) => l.endsWith("/variants/query")).length;

  test("the stock side reuses a reading for a minute, with our own creates added; linking reads afresh", async () => {
    let now = 0;
    const http = new FakeHttp(store([{ productId: "p-a", variantId: "v-a", sku: "A" }]));
    const products = new WixV1Products(http.asClient, () => now);
    expect(await products.variantsBySku(["A"])).toMatchObject([{ productId: "p-a", sku: "A" }]);
    await products.bulkCreateProducts([simple("B")]);
    expect((await products.variantsBySku(["A", "B"])).map((r) => r.sku).sort()).toEqual(["A", "B"]);
    expect(reads(http)).toBe(1);
    // A miss before a create is never answered from the kept reading.
    await products.findVariantsBySku(["C"]);
    expect(reads(http)).toBe(2);
    now += 61_000;
    await products.variantsBySku(["A"]);
    expect(reads(http)).toBe(3);
  });
});

describe("a V1 site converted to V3 mid-run: the real V1 adapters inside SiteCatalog", () => {
  /** Wix answers every V1 call of a converted site with 428 (infra/sandbox/wix/store.ts `v1`). */
  const convertedSite = () => {
    const http = new FakeHttp((req) => {
      throw new HttpError(`Wix -> 428 on ${req.path}`, 428, false, {
        code: "CATALOG_V3_SITE_CALLING_CATALOG_V1_API",
      });
    });
    const products = new WixV1Products(http.asClient);
    const v1 = {
      products,
      inventory: new WixV1Inventory(http.asClient, (skus) => products.variantsBySku(skus)),
      collections: new WixV1Collections(http.asClient),
    };
    const calls: string[] = [];
    const versions: CatalogVersion[] = ["V1_CATALOG", "V3_CATALOG"];
    const v3 = {
      catalogVersion: async () => versions.shift() ?? "V3_CATALOG",
      bulkUpdateProducts: async () => {
        calls.push("v3.bulkUpdateProducts");
        return { results: [] };
      },
      bulkUpdateInventory: async () => {
        calls.push("v3.bulkUpdateInventory");
        return { results: [] };
      },
      addToCategory: async () => {
        calls.push("v3.addToCategory");
        return [];
      },
    } as unknown as V3Catalog;
    return { catalog: new SiteCatalog({ v3, v1 }), calls };
  };

  test("a product write is re-run on V3, never one product's refusal", async () => {
    const { catalog, calls } = convertedSite();
    await catalog.bulkUpdateProducts([{ id: "p1", revision: "v1", name: "Mug" }]);
    expect(calls).toEqual(["v3.bulkUpdateProducts"]);
  });

  test("a stock write is re-run on V3, never lost as the product's refusal", async () => {
    const { catalog, calls } = convertedSite();
    await catalog.bulkUpdateInventory([{ id: v1InventoryId("p1", "v0"), revision: "v1", quantity: 3 }]);
    expect(calls).toEqual(["v3.bulkUpdateInventory"]);
  });

  test("a category filing is re-run on V3, never one product's refusal", async () => {
    const { catalog, calls } = convertedSite();
    await catalog.addToCategory("c1", ["p1", "p2"]);
    expect(calls).toEqual(["v3.addToCategory"]);
  });
});
