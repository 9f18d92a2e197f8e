import { describe, expect, it } from "@jest/globals";
import { type Item, type ItemPrice, itemPriceSchema, itemSchema } from "#shared/flows/erpnext-items";
import type { Catalog } from "#shared/flows/products/catalog";
import { mergePlans, type PlanInput, planSync } from "#shared/flows/products/first-sync";
import { renderPlan } from "#shared/flows/products/first-sync-render";
import type { VariantInput } from "#shared/flows/products/mapping";
import type { ProductMapping } from "#shared/flows/records";

const OPTIONS = { erpnextUrl: "https://erp.example.com", priceList: "Standard Selling", stockThreshold: 10 };
const at = "2026-01-01T00:00:00.000Z";

const item = (code: string, extra: Record<string, unknown> = {}): Item =>
  itemSchema.parse({
    name: code,
    item_code: code,
    item_name: `Item ${code}`,
    item_group: "Mugs",
    stock_uom: "Nos",
    is_sales_item: 1,
    modified: "2026-01-01 00:00:00",
    ...extra,
  });
const price = (code: string, rate: number): ItemPrice =>
  itemPriceSchema.parse({
    name: `P-${code}`,
    item_code: code,
    price_list: "Standard Selling",
    price_list_rate: rate,
  });
const mapping = (code: string): ProductMapping => ({
  itemCode: code,
  productId: `prod-${code}`,
  variantId: `var-${code}`,
  revision: "1",
  hash: "an-older-hash",
  createdAt: at,
  updatedAt: at,
});

/** A catalog planted with one conflict of each kind, and one item per action. */
function planted(): PlanInput {
  const standalone = [
    item("A"), // create
    item("B"), // link; its stock would jump
    item("C"), // link; its SKU is on two Wix variants
    item("D"), // no price
    item("E", { item_name: `A ${"very ".repeat(20)}long name` }), // over Wix's 80 characters
    item("G", { item_group: "Garden" }), // a new category
    item("H", { item_name: "Blue Mug" }), // a Wix product with no SKU has its name
    item("M", { item_name: "Renamed" }), // published: update
    item("N", { disabled: 1 }), // published, now disabled: hide
  ];
  const template = item("F", { has_variants: 1 });
  const variants: VariantInput[] = [
    { item: item("F-1", { variant_of: "F" }), attributes: { Colour: "Red" } },
    { item: item("F-2", { variant_of: "F" }), attributes: {} }, // no Colour: attributes do not align
  ];
  const catalog: Catalog = {
    items: new Map([...standalone, template].map((i) => [i.item_code, i])),
    prices: ["A", "B", "C", "E", "F", "G", "H", "M", "N"].map((c) => price(c, 12.5)),
    unreadablePrices: new Map(),
    priceLists: new Map(),
    groups: new Map(),
    unreadable: new Map(),
    templates: new Map([["F", { template, variants, optionOrder: ["Colour"] }]]),
    units: [...standalone.map((i) => i.item_code), "F"],
  };
  return {
    catalog,
    mappings: new Map([
      ["M", mapping("M")],
      ["N", mapping("N")],
    ]),
    wix: [
      { productId: "w-b", productName: "Item B", variantId: "v-b", sku: "B" },
      { productId: "w-c1", productName: "Item C", variantId: "v-c1", sku: "C" },
      { productId: "w-c2", productName: "Item C again", variantId: "v-c2", sku: "C" },
      { productId: "w-blue", productName: "blue  mug", variantId: "v-blue" },
    ],
    categories: new Set(["Mugs"]),
    stock: { erpnext: new Map([["B", 50]]), wix: new Map([["B", 3]]) },
  };
}

describe("plan of the first sync", () => {
  it("counts what would be created, linked, updated and hidden, as the products flow decides", () => {
    const plan = planSync(planted(), OPTIONS);
    expect(plan.counts).toEqual({ create: 4, link: 2, update: 1, hide: 1, unchanged: 0, "not-published": 2 });
    const action = (code: string) => plan.items.find((i) => i.item === code)?.action;
    expect([action("A"), action("B"), action("M"), action("N"), action("D")]).toEqual([
      "create",
      "link",
      "update",
      "hide",
      "not-published",
    ]);
    expect(plan.items.find((i) => i.item === "B")?.productId).toBe("w-b");
  });

  it("reports one conflict of each kind, by item", () => {
    const { conflicts } = planSync(planted(), OPTIONS);
    const byKind = Object.fromEntries(conflicts.map((c) => [c.kind, c.item]));
    expect(byKind).toEqual({
      "duplicate-sku": "C",
      "no-sku-same-name": "H",
      "no-price": "D",
      "over-limit": "E",
      "variant-attributes": "F",
      "new-category": "Garden",
      "stock-change": "B",
    });
    expect(conflicts).toHaveLength(7);
    expect(conflicts.find((c) => c.kind === "stock-change")?.detail).toContain("Wix stock 3 would become 50");
    expect(conflicts.find((c) => c.kind === "no-sku-same-name")?.detail).toContain("w-blue");
  });

  it("a price that is 0 at the currency's precision is a no-price conflict, as the sync decides", () => {
    const input = planted();
    input.catalog.prices = input.catalog.prices.map((p) => (p.item_code === "A" ? price("A", 0.001) : p));
    const conflict = planSync(input, OPTIONS).conflicts.find((c) => c.item === "A");
    expect(conflict).toEqual({
      kind: "no-price",
      item: "A",
      detail: expect.stringContaining("price 0.001, which is 0 at the currency's 2 decimals"),
    });
    // Where ERPNext books 3 decimals it is an ordinary price.
    expect(
      planSync(input, { ...OPTIONS, currencyPrecision: 3 }).items.find((i) => i.item === "A")?.action,
    ).toBe("create");
  });

  it("lists a stock change only above the threshold", () => {
    const plan = planSync(planted(), { ...OPTIONS, stockThreshold: 47 });
    expect(plan.conflicts.filter((c) => c.kind === "stock-change")).toEqual([]);
  });

  it("merges pages: an item planned on two pages counts once, a new category lists all its items", () => {
    const one = planSync(planted(), OPTIONS);
    const other = planted();
    other.catalog.items.set("G2", { ...(other.catalog.items.get("G") as Item), name: "G2", item_code: "G2" });
    other.catalog.prices.push(price("G2", 3));
    other.catalog.units = ["G2", "F"];
    const merged = mergePlans([one, planSync(other, OPTIONS)]);
    expect(merged.counts).toEqual({ ...one.counts, create: one.counts.create + 1 });
    expect(merged.conflicts.filter((c) => c.kind === "variant-attributes")).toHaveLength(1);
    const garden = merged.conflicts.filter((c) => c.kind === "new-category");
    expect(garden).toEqual([expect.objectContaining({ item: "Garden", items: ["G", "G2"] })]);
  });

  it("renders a table for people and a stable --json shape", () => {
    const plan = planSync(planted(), OPTIONS);
    const text = renderPlan(plan);
    expect(text).toMatch(/create\s+4/);
    expect(text).toMatch(/duplicate-sku\s+C\s+SKU C is on 2 Wix variants/);
    const json = JSON.parse(JSON.stringify(plan));
    expect(Object.keys(json).sort()).toEqual(["conflicts", "counts", "items"]);
    expect(json.conflicts[0]).toEqual({
      kind: expect.any(String),
      item: expect.any(String),
      detail: expect.any(String),
    });
  });
});
