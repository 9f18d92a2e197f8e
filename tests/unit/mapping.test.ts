import { describe, expect, test } from "@jest/globals";
import { PermanentError } from "#shared/errors";
import type { Item, ItemPrice } from "#shared/flows/erpnext-items";
import { sellableQuantities } from "#shared/flows/inventory/sync";
import { countryLookup, toSalesOrder } from "#shared/flows/orders/mapping";
import {
  contentHash,
  fitName,
  pickPrice,
  toAmount,
  toKilograms,
  toWixProduct,
  toWixVariantProduct,
} from "#shared/flows/products/mapping";
import type { WixOrder } from "#shared/flows/wix-orders";

const item = (over: Partial<Item> = {}): Item =>
  ({
    name: "SKU-1",
    item_code: "SKU-1",
    item_name: "Mug",
    stock_uom: "Nos",
    modified: "2025-01-01 00:00:00",
    disabled: false,
    is_sales_item: true,
    has_variants: false,
    weight_per_unit: 0,
    ...over,
  }) as Item;
const price = (over: Partial<ItemPrice> = {}): ItemPrice =>
  ({
    item_code: "SKU-1",
    price_list: "Standard Selling",
    price_list_rate: 10,
    uom: "Nos",
    ...over,
  }) as ItemPrice;

describe("product mapping", () => {
  test("names fit 80 characters at a word; prices at the currency's decimals (Wix maxScale 3); weights become kg", () => {
    const long = "Extra ".repeat(20).trim();
    expect(fitName(long).length).toBeLessThanOrEqual(80);
    expect(fitName(long).endsWith("…")).toBe(true);
    expect(fitName("  Short   name ")).toBe("Short name");
    expect(toAmount(19.9999)).toBe("20.00");
    // A 2-decimal currency (ERPNext's default): what Wix charges is what ERPNext books.
    expect(toAmount(19.999)).toBe("20.00");
    expect(toAmount(1.275)).toBe("1.28");
    expect(toAmount(0.001)).toBe("0.00");
    // A 3-decimal currency keeps its third decimal; Wix takes no more than 3.
    expect(toAmount(19.999, 3)).toBe("19.999");
    expect(toAmount(1.275, 3)).toBe("1.275");
    expect(toAmount(1.2345, 4)).toBe("1.235");
    expect(toAmount(1499.6, 0)).toBe("1500.00");
    expect(toAmount(0.1 + 0.2)).toBe("0.30");
    expect(toAmount(5)).toBe("5.00");
    expect(toKilograms(500, "Gram")).toBe(0.5);
    expect(toKilograms(2, "Pound")).toBe(0.907);
    expect(toKilograms(0, "Kg")).toBeUndefined();
  });

  test("the price: configured list, no customer, stock UOM, valid today, latest valid_from", () => {
    const prices = [
      price({ price_list_rate: 1, price_list: "Wholesale" }),
      price({ price_list_rate: 2, customer: "Big Buyer" }),
      price({ price_list_rate: 3, uom: "Box" }),
      price({ price_list_rate: 4, valid_upto: "2020-01-01" }),
      price({ price_list_rate: 5, valid_from: "2099-01-01" }),
      price({ price_list_rate: 6, valid_from: "2024-01-01" }),
      price({ price_list_rate: 7, valid_from: "2025-06-01" }),
    ];
    expect(pickPrice(prices, item(), "Standard Selling", "2025-07-01")?.price_list_rate).toBe(7);
    expect(pickPrice(prices, item(), "Retail", "2025-07-01")).toBeUndefined();
  });

  test("a V3 product with one variant, sku = item code; hidden when disabled", () => {
    const { product } = toWixProduct(
      item({ brand: "Acme", image: "/files/a.png", description: "<b>hi</b>" }),
      price(),
      "https://erp.example.com",
    );
    expect(product).toEqual({
      name: "Mug",
      plainDescription: "<b>hi</b>",
      visible: true,
      productType: "PHYSICAL",
      physicalProperties: {},
      brand: { name: "Acme" },
      media: { itemsInfo: { items: [{ url: "https://erp.example.com/files/a.png" }] } },
      options: [],
      variantsInfo: {
        variants: [
          {
            sku: "SKU-1",
            visible: true,
            choices: [],
            price: { actualPrice: { amount: "10.00" } },
            physicalProperties: {},
          },
        ],
      },
    });
    expect(toWixProduct(item({ disabled: true }), price(), "x").product.visible).toBe(false);
    // Wix names are limited: a brand at most 50 characters (V3Brand.name @maxLength 50).
    const brand = toWixProduct(item({ brand: "Brand ".repeat(12) }), price(), "x").product.brand?.name;
    expect(brand?.length).toBeLessThanOrEqual(50);
  });

  test("items Wix cannot take are refused with a reason", () => {
    expect(() => toWixProduct(item(), undefined, "x")).toThrow(PermanentError);
    expect(() => toWixProduct(item(), price({ price_list_rate: 1e9 }), "x")).toThrow(/999999999.99/);
    expect(() => toWixProduct(item({ item_code: "X".repeat(41) }), price(), "x")).toThrow(/40-character/);
  });

  test("the content hash ignores Wix-assigned ids and changes with content", () => {
    const a = toWixProduct(item(), price(), "x");
    const b = toWixProduct(item(), price(), "x", "variant-id");
    const c = toWixProduct(item(), price({ price_list_rate: 11 }), "x");
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
    expect(contentHash({ ...a.product, id: "p", revision: "9" })).toBe(a.hash);
  });
});

describe("sellable stock", () => {
  test("actual - reserved over chosen warehouses, never below zero", () => {
    const bins = [
      { item_code: "A", warehouse: "W1", actual_qty: 10, reserved_qty: 3, modified: "" },
      { item_code: "A", warehouse: "W2", actual_qty: 5, reserved_qty: 0, modified: "" },
      { item_code: "A", warehouse: "W3", actual_qty: 100, reserved_qty: 0, modified: "" },
      { item_code: "B", warehouse: "W1", actual_qty: 1, reserved_qty: 4, modified: "" },
    ];
    expect(Object.fromEntries(sellableQuantities(bins, ["W1", "W2"], ["A", "B", "C"]))).toEqual({
      A: 12,
      B: 0,
      C: 0,
    });
    expect(sellableQuantities(bins, [], ["A"]).get("A")).toBe(112);
  });
});

describe("sales order mapping", () => {
  const order = (over: Partial<WixOrder> = {}): WixOrder => ({
    id: "o1",
    number: "10001",
    createdDate: "2025-03-01T10:00:00Z",
    updatedDate: "2025-03-01T10:00:00Z",
    status: "APPROVED",
    currency: "EUR",
    priceSummary: { subtotal: { amount: "30.00" }, shipping: { amount: "0" }, total: { amount: "30.00" } },
    lineItems: [],
    ...over,
  });
  const settings = {
    company: "C",
    warehouse: "W",
    shippingAccount: "Ship",
    taxAccount: "Tax",
    taxAccounts: { VAT: "VAT acc" },
    submit: true,
    deliveryDays: 3,
  };
  const lines = [{ itemCode: "A", qty: 3, unitPrice: "10.00" }];

  test("lines, po_no, delivery date, submit", () => {
    const { doc } = toSalesOrder(order(), lines, "Cust", settings, new Date("2025-03-01T12:00:00Z"));
    expect(doc).toMatchObject({
      customer: "Cust",
      company: "C",
      po_no: "10001",
      transaction_date: "2025-03-01",
      delivery_date: "2025-03-04",
      docstatus: 0, // a draft: submitted once its total is checked (OrderSync)
      disable_rounded_total: 1,
    });
    expect(doc.items).toEqual([
      { item_code: "A", qty: 3, rate: 10, delivery_date: "2025-03-04", warehouse: "W" },
    ]);
  });

  test("tax names map to accounts; an unmapped tax with no default is refused", () => {
    const o = order({
      taxInfo: { taxBreakdown: [{ taxName: "VAT", rate: "0.1", aggregatedTaxAmount: { amount: "3.00" } }] },
      priceSummary: { total: { amount: "33.00" } },
    });
    expect(toSalesOrder(o, lines, "C", settings).doc.taxes).toEqual([
      { charge_type: "Actual", account_head: "VAT acc", description: "VAT (10%)", tax_amount: 3 },
    ]);
    const unknown = order({
      taxInfo: { taxBreakdown: [{ taxName: "Eco", aggregatedTaxAmount: { amount: "1.00" } }] },
      priceSummary: { total: { amount: "31.00" } },
    });
    expect(() => toSalesOrder(unknown, lines, "C", { ...settings, taxAccount: undefined })).toThrow(
      /no ERPNext account for Wix tax "Eco"/,
    );
  });

  test("additional fees are charge rows on the fee account; the total is Wix's to the cent", () => {
    const o = order({
      priceSummary: { totalAdditionalFees: { amount: "3.75" }, total: { amount: "33.75" } },
      additionalFees: [
        { name: "Handling", price: { amount: "1.50" }, priceBeforeTax: { amount: "1.50" } },
        { name: "Gift wrap", price: { amount: "2.25" }, priceBeforeTax: { amount: "2.25" } },
      ],
    });
    const { doc, expectedTotal } = toSalesOrder(o, lines, "C", { ...settings, feeAccount: "Fees" });
    expect(doc.taxes).toEqual([
      { charge_type: "Actual", account_head: "Fees", description: "Fee: Handling", tax_amount: 1.5 },
      { charge_type: "Actual", account_head: "Fees", description: "Fee: Gift wrap", tax_amount: 2.25 },
    ]);
    expect(expectedTotal).toBe(33.75);
    // Fees whose rows do not add up to the summary are booked as the summary's one total.
    const summaryOnly = order({
      priceSummary: { totalAdditionalFees: { amount: "2.00" }, total: { amount: "32.00" } },
    });
    expect(toSalesOrder(summaryOnly, lines, "C", { ...settings, feeAccount: "Fees" }).doc.taxes).toEqual([
      { charge_type: "Actual", account_head: "Fees", description: "Additional fees", tax_amount: 2 },
    ]);
    expect(() => toSalesOrder(summaryOnly, lines, "C", settings)).toThrow(/ERPNEXT_FEE_ACCOUNT/);
  });

  test("a total that cannot be reproduced is refused rather than guessed", () => {
    expect(() =>
      toSalesOrder(order({ priceSummary: { total: { amount: "31.00" } } }), lines, "C", settings),
    ).toThrow(/cannot be reproduced/);
  });

  test("countries map ISO-2 codes to ERPNext names through ERPNext's Country codes", () => {
    const countryName = countryLookup([
      { name: "Germany", code: "de" },
      { name: "South Africa", code: "za" },
      { name: "Nowhere", code: null },
    ]);
    expect(countryName("DE")).toBe("Germany");
    expect(countryName(" za ")).toBe("South Africa");
    expect(() => countryName("ZZ")).toThrow(PermanentError);
    expect(() => countryName(undefined)).toThrow(PermanentError);
  });

  test("a non-numeric Wix amount is refused, never read as 0", () => {
    expect(() =>
      toSalesOrder(
        order({ priceSummary: { total: { amount: "31.00" }, shipping: { amount: "abc" } } }),
        lines,
        "C",
        settings,
      ),
    ).toThrow(/"abc" is not a number/);
  });
});

describe("variant products", () => {
  const template = item({ item_code: "T", name: "T", item_name: "Tee", has_variants: true });
  const variant = (code: string, attributes: Record<string, string>) => ({
    item: item({ item_code: code, name: code, variant_of: "T" }),
    attributes,
  });

  test("attributes become options in the template's order; the template price is the fallback", () => {
    const { product } = toWixVariantProduct(
      template,
      price({ price_list_rate: 9 }),
      [
        variant("T-1", { Colour: "Red", Size: "S" }),
        { ...variant("T-2", { Colour: "Red", Size: "M" }), price: price({ price_list_rate: 11 }) },
      ],
      ["Size", "Colour"],
      "x",
    );
    expect(product.options?.map((o) => o.name)).toEqual(["Size", "Colour"]);
    expect(product.variantsInfo.variants.map((v) => v.price.actualPrice.amount)).toEqual(["9.00", "11.00"]);
  });

  test("refuses what Wix cannot show: no variants, missing values, duplicates, more than 6 options, no price", () => {
    expect(() => toWixVariantProduct(template, price(), [], [], "x")).toThrow(/no variants/);
    expect(() =>
      toWixVariantProduct(
        template,
        price(),
        [variant("A", { Size: "S" }), variant("B", { Colour: "Red" })],
        [],
        "x",
      ),
    ).toThrow(/no value for/);
    expect(() =>
      toWixVariantProduct(
        template,
        price(),
        [variant("A", { Size: "S" }), variant("B", { Size: "S" })],
        [],
        "x",
      ),
    ).toThrow(/repeats/);
    const seven = Object.fromEntries(["a", "b", "c", "d", "e", "f", "g"].map((k) => [k, "1"]));
    expect(() => toWixVariantProduct(template, price(), [variant("A", seven)], [], "x")).toThrow(/6 options/);
    expect(() => toWixVariantProduct(template, undefined, [variant("A", { Size: "S" })], [], "x")).toThrow(
      /no valid selling price/,
    );
  });
});
