import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Harness, startHarness } from "./harness";

/**
 * The sandbox Wix answers product calls as the SDK documents them
 * (@wix/auto_sdk_stores_products-v-3, @wix/auto_sdk_stores_read-only-variants-v-3), over HTTP.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ DEMO_ITEMS: "0" });
});
afterAll(async () => {
  await h.host.stop();
});

const headers = { authorization: "sandbox-wix-api-key", "wix-site-id": "sandbox-site-id" };
const wix = (method: string, path: string, body?: unknown) =>
  h.request(method, `/sandbox/wix${path}`, body, headers);

let n = 0;
function product(overrides: Record<string, unknown> = {}, variant: Record<string, unknown> = {}) {
  n++;
  return {
    name: `Product ${n}`,
    productType: "PHYSICAL",
    physicalProperties: {},
    variantsInfo: {
      variants: [
        {
          sku: `SBX-${n}`,
          choices: [],
          price: { actualPrice: { amount: "1.00" } },
          physicalProperties: {},
          ...variant,
        },
      ],
    },
    ...overrides,
  };
}

interface ErrorBody {
  message: string;
  details: {
    validationError?: { fieldViolations: { field: string; ruleName?: string }[] };
    applicationError?: { code: string };
  };
}
const violations = (body: unknown) =>
  ((body as ErrorBody).details.validationError?.fieldViolations ?? []).map((v) => v.ruleName ?? v.field);

async function created(overrides: Record<string, unknown> = {}) {
  const res = await wix("POST", "/stores/v3/products-with-inventory", { product: product(overrides) });
  expect(res.status).toBe(200);
  return (res.body as { product: { id: string; revision: string; brand?: { id: string; name: string } } })
    .product;
}

describe("sandbox Wix: product rules", () => {
  test("Bulk Create Products With Inventory answers results nested under productResults", async () => {
    const res = await wix("POST", "/stores/v3/bulk/products-with-inventory/create", {
      products: [product()],
      returnEntity: true,
    });
    expect(res.status).toBe(200);
    const body = res.body as {
      results?: unknown;
      productResults: { results: { itemMetadata: { success: boolean } }[] };
      inventoryResults: unknown;
    };
    expect(body.results).toBeUndefined();
    expect(body.productResults.results[0]?.itemMetadata.success).toBe(true);
    expect(body.inventoryResults).toBeDefined();
  });

  test("a bulk create takes at most 100 options in all", async () => {
    const withOptions = () =>
      product(
        {
          options: ["A", "B"].map((name) => ({
            name,
            optionRenderType: "TEXT_CHOICES",
            choicesSettings: { choices: [{ name: "x", choiceType: "CHOICE_TEXT" }] },
          })),
        },
        {
          choices: ["A", "B"].map((optionName) => ({
            optionChoiceNames: { optionName, choiceName: "x", renderType: "TEXT_CHOICES" },
          })),
        },
      );
    const res = await wix("POST", "/stores/v3/bulk/products-with-inventory/create", {
      products: Array.from({ length: 51 }, withOptions),
    });
    expect(res.status).toBe(400);
    expect(violations(res.body)).toContain("TOO_MANY_OPTIONS_IN_REQUEST");
  });

  test("Query Products refuses a filter or sort on a field its spec does not declare", async () => {
    const bySku = await wix("POST", "/stores/v3/products/query", {
      query: { filter: { "variantsInfo.variants.sku": { $in: ["X"] } }, cursorPaging: { limit: 10 } },
    });
    expect(bySku.status).toBe(400);
    expect((bySku.body as ErrorBody).details.validationError?.fieldViolations[0]?.field).toBe(
      "query.filter.variantsInfo.variants.sku",
    );
    const sortByName = await wix("POST", "/stores/v3/products/query", {
      query: { sort: [{ fieldName: "name", order: "ASC" }], cursorPaging: { limit: 10 } },
    });
    expect(sortByName.status).toBe(400);
    const byId = await wix("POST", "/stores/v3/products/query", {
      query: {
        filter: { id: { $in: ["none"] } },
        sort: [{ fieldName: "createdDate" }],
        cursorPaging: { limit: 10 },
      },
    });
    expect(byId.status).toBe(200);
  });

  test("Search Products takes variants only through $matchItems", async () => {
    const p = await created();
    const sku = `SBX-${n}`;
    const plain = await wix("POST", "/stores/v3/products/search", {
      search: { filter: { "variantsInfo.variants.sku": sku }, cursorPaging: { limit: 10 } },
    });
    expect(plain.status).toBe(400);
    const matched = await wix("POST", "/stores/v3/products/search", {
      search: {
        filter: { "variantsInfo.variants": { $matchItems: [{ sku: { $in: [sku] } }] } },
        cursorPaging: { limit: 10 },
      },
    });
    expect(matched.status).toBe(200);
    expect((matched.body as { products: { id: string }[] }).products.map((x) => x.id)).toEqual([p.id]);
  });

  test("Search Variants filters on sku and answers product id, variant id and revision", async () => {
    const p = await created();
    const sku = `SBX-${n}`;
    const res = await wix("POST", "/stores/v3/products/search-variants", {
      search: { filter: { sku: { $in: [sku, "NOT-THERE"] } }, cursorPaging: { limit: 100 } },
    });
    expect(res.status).toBe(200);
    const [variant] = (res.body as { variants: Record<string, unknown>[] }).variants;
    expect(variant).toMatchObject({ sku, productData: { productId: p.id, revision: p.revision } });
    expect(typeof variant?.variantId).toBe("string");
    const notFilterable = await wix("POST", "/stores/v3/products/search-variants", {
      search: { filter: { "productData.revision": "1" }, cursorPaging: { limit: 100 } },
    });
    expect(notFilterable.status).toBe(400);
  });

  test("an update with a brand name but no brand id is refused (BRAND_MISSING_ID); by id it is taken", async () => {
    const p = await created({ brand: { name: "Acme" } });
    expect(p.brand?.name).toBe("Acme");
    const byName = await wix("PATCH", `/stores/v3/products/${p.id}`, {
      product: { id: p.id, revision: p.revision, brand: { name: "Other" } },
    });
    expect(byName.status).toBe(400);
    expect(violations(byName.body)).toContain("BRAND_MISSING_ID");
    const byId = await wix("PATCH", `/stores/v3/products/${p.id}`, {
      product: { id: p.id, revision: p.revision, brand: { id: p.brand?.id, name: "Acme" } },
    });
    expect(byId.status).toBe(200);
  });

  test("an update that sends variants without options is refused (MISSING_OPTIONS_ON_UPDATE_VARIANTS)", async () => {
    const p = await created();
    const { variantsInfo } = product({}, { sku: `SBX-${n}` });
    const res = await wix("PATCH", `/stores/v3/products/${p.id}`, {
      product: { id: p.id, revision: p.revision, variantsInfo },
    });
    expect(res.status).toBe(400);
    expect(violations(res.body)).toContain("MISSING_OPTIONS_ON_UPDATE_VARIANTS");
    const withOptions = await wix("PATCH", `/stores/v3/products/${p.id}`, {
      product: { id: p.id, revision: p.revision, options: [], variantsInfo },
    });
    expect(withOptions.status).toBe(200);
  });

  test("variants of a PHYSICAL product need physicalProperties ({} is enough)", async () => {
    const bare = product({}, { physicalProperties: undefined });
    const res = await wix("POST", "/stores/v3/products-with-inventory", { product: bare });
    expect(res.status).toBe(400);
    expect(violations(res.body)).toContain("VARIANTS_TYPED_PROPERTIES_ARE_NOT_ALIGNED");
  });

  test("names: product 1..80, brand, option and choice at most 50 characters", async () => {
    const long = "x".repeat(51);
    const cases = [
      product({ name: "" }),
      product({ name: "y".repeat(81) }),
      product({ brand: { name: long } }),
      product({
        options: [
          { name: long, optionRenderType: "TEXT_CHOICES", choicesSettings: { choices: [{ name: "A" }] } },
        ],
      }),
      product({
        options: [
          { name: "Size", optionRenderType: "TEXT_CHOICES", choicesSettings: { choices: [{ name: long }] } },
        ],
      }),
    ];
    for (const p of cases) {
      const res = await wix("POST", "/stores/v3/products-with-inventory", { product: p });
      expect(res.status).toBe(400);
      expect((res.body as ErrorBody).details.validationError).toBeDefined();
    }
  });

  test("prices take up to 3 decimals and at most 999999999.99", async () => {
    const three = await wix("POST", "/stores/v3/products-with-inventory", {
      product: product({}, { price: { actualPrice: { amount: "1.275" } } }),
    });
    expect(three.status).toBe(200);
    for (const amount of ["1.2755", "1000000000.00", "-1.00", "1,00"]) {
      const res = await wix("POST", "/stores/v3/products-with-inventory", {
        product: product({}, { price: { actualPrice: { amount } } }),
      });
      expect(res.status).toBe(400);
    }
  });
});
