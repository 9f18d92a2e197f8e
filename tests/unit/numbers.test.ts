import { describe, expect, test } from "@jest/globals";
import { AuthError, HttpError, PermanentError } from "#shared/errors";
import { currencyPrecision, readCurrencyPrecision } from "#shared/flows/currency";
import { binSchema, itemPriceSchema, itemSchema } from "#shared/flows/erpnext-items";
import { toWixProduct, toWixVariantProduct } from "#shared/flows/products/mapping";

const priceRow = (rate: unknown) => ({
  item_code: "A",
  price_list: "Standard Selling",
  price_list_rate: rate,
});
const itemRow = (over: Record<string, unknown> = {}) => ({
  name: "A",
  item_code: "A",
  item_name: "A",
  modified: "2025-01-01 00:00:00",
  ...over,
});

describe("numbers at the ERPNext boundary", () => {
  test("numbers and numeric strings are read as numbers", () => {
    expect(itemPriceSchema.parse(priceRow(12.5)).price_list_rate).toBe(12.5);
    expect(itemPriceSchema.parse(priceRow("12.50")).price_list_rate).toBe(12.5);
    expect(
      binSchema.parse({ item_code: "A", warehouse: "W", actual_qty: "3", reserved_qty: null, modified: "x" }),
    ).toMatchObject({ actual_qty: 3, reserved_qty: 0 });
    expect(itemSchema.parse(itemRow({ weight_per_unit: null })).weight_per_unit).toBe(0);
  });

  test("anything non-numeric is a validation error naming the value, never 0", () => {
    for (const bad of ["abc", "NaN", "", "1,5", "Infinity", null, true]) {
      const parsed = itemPriceSchema.safeParse(priceRow(bad));
      expect([bad, parsed.success]).toEqual([bad, false]);
    }
    expect(JSON.stringify(itemPriceSchema.safeParse(priceRow("abc")).error?.issues)).toContain(
      'expected a number, got \\"abc\\"',
    );
    expect(
      binSchema.safeParse({ item_code: "A", warehouse: "W", actual_qty: "lots", modified: "x" }).success,
    ).toBe(false);
    expect(itemSchema.safeParse(itemRow({ weight_per_unit: "heavy" })).success).toBe(false);
  });
});

describe("zero prices", () => {
  const item = itemSchema.parse(itemRow({ item_group: "G", stock_uom: "Nos" }));
  const zero = itemPriceSchema.parse(priceRow(0));

  test("a 0 price is refused unless ALLOW_FREE_ITEMS", () => {
    expect(() => toWixProduct(item, zero, "https://erp")).toThrow(PermanentError);
    expect(() => toWixProduct(item, zero, "https://erp")).toThrow(/price 0 \(set ALLOW_FREE_ITEMS=true/);
    const free = toWixProduct(item, zero, "https://erp", undefined, true);
    expect(free.product.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("0.00");
  });

  test("a variant priced 0 makes its template unpublishable unless ALLOW_FREE_ITEMS", () => {
    const template = itemSchema.parse(itemRow({ name: "T", item_code: "T", has_variants: 1 }));
    const variant = {
      item: itemSchema.parse(itemRow({ name: "T-1", item_code: "T-1", variant_of: "T" })),
      attributes: { Size: "S" },
      price: zero,
    };
    expect(() => toWixVariantProduct(template, undefined, [variant], ["Size"], "x")).toThrow(
      /T-1" has price 0/,
    );
    expect(
      toWixVariantProduct(template, undefined, [variant], ["Size"], "x", new Map(), true).product.variantsInfo
        .variants[0]?.price.actualPrice.amount,
    ).toBe("0.00");
  });

  test("a price that is 0 at the currency's precision is a 0 price; at 3 decimals it is not", () => {
    const tenth = itemPriceSchema.parse(priceRow(0.001));
    expect(() => toWixProduct(item, tenth, "https://erp")).toThrow(
      /price 0.001, which is 0 at the currency's 2 decimals \(set ALLOW_FREE_ITEMS=true/,
    );
    const free = toWixProduct(item, tenth, "https://erp", undefined, true);
    expect(free.product.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("0.00");
    const kwd = toWixProduct(item, tenth, "https://erp", undefined, false, 3);
    expect(kwd.product.variantsInfo.variants[0]?.price.actualPrice.amount).toBe("0.001");
    expect(
      toWixProduct(item, itemPriceSchema.parse(priceRow(0.005)), "x").product.variantsInfo.variants[0]?.price
        .actualPrice.amount,
    ).toBe("0.01");
  });

  test("the currency's precision: System Settings currency_precision, else its number format's", () => {
    expect(currencyPrecision({ currency_precision: "", number_format: "#,###.##" })).toBe(2);
    expect(currencyPrecision({ currency_precision: "3", number_format: "#,###.##" })).toBe(3);
    expect(currencyPrecision({ currency_precision: null, number_format: "#,###.###" })).toBe(3);
    expect(currencyPrecision({ number_format: "#.###" })).toBe(0);
    expect(currencyPrecision({})).toBe(2);
  });

  test("an API user who may not read System Settings gets a fresh site's precision; other failures still fail", async () => {
    const refusing = {
      get: async <T>(): Promise<T> => {
        throw new AuthError("403 System Settings", 403, true);
      },
    };
    await expect(readCurrencyPrecision(refusing)).resolves.toBe(2);
    const down = {
      get: async <T>(): Promise<T> => {
        throw new HttpError("503", 503, true);
      },
    };
    await expect(readCurrencyPrecision(down)).rejects.toThrow("503");
  });
});
