import { describe, expect, test } from "@jest/globals";
import { bulkChunks } from "#shared/flows/products/sync";
import type { WixProduct } from "#shared/flows/wix-catalog";

const plan = (variants: number, options: number) => ({
  product: {
    name: "P",
    options: Array.from({ length: options }, (_, i) => ({ name: `O${i}` })),
    variantsInfo: {
      variants: Array.from({ length: variants }, () => ({ price: { actualPrice: { amount: "1.00" } } })),
    },
  } satisfies WixProduct,
});

describe("bulk chunks", () => {
  test("at most 100 products, 1000 variants and 100 options a call", () => {
    expect(bulkChunks(Array.from({ length: 250 }, () => plan(1, 0))).map((c) => c.length)).toEqual([
      100, 100, 50,
    ]);
    expect(bulkChunks(Array.from({ length: 30 }, () => plan(40, 2))).map((c) => c.length)).toEqual([25, 5]);
    // 51 templates with 2 options each: 102 options would be refused in one call.
    expect(bulkChunks(Array.from({ length: 51 }, () => plan(4, 2))).map((c) => c.length)).toEqual([50, 1]);
  });
});
