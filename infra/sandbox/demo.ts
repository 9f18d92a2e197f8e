import type { ErpnextSandbox } from "./erpnext";

const ADJECTIVES = [
  "Classic",
  "Nordic",
  "Rustic",
  "Urban",
  "Café",
  "Alpine",
  "Coastal",
  "Vintage",
  "Modern",
  "Tiny",
];
const NOUNS: [string, string, number][] = [
  ["Mug", "Mugs", 12.5],
  ["T-Shirt", "Apparel", 19.99],
  ["Hoodie", "Apparel", 49],
  ["Tote Bag", "Accessories", 15.75],
  ["Cap", "Apparel", 17.25],
  ["Water Bottle", "Accessories", 22.4],
  ["Notebook", "Products", 8.95],
  ["Candle", "Products", 14.1],
];
const BRANDS = ["Acme", "Nordic Goods", "Café Craft"];

/**
 * A demo catalog imported the way Data Import does it: no webhooks fire, so only the catch-up
 * sync can find these items. Each item gets a price, an image, a weight and stock.
 */
export function seedDemoCatalog(erpnext: ErpnextSandbox, count = 40, prefix = "DEMO"): string[] {
  const codes: string[] = [];
  for (let i = 1; i <= count; i++) {
    const [noun, group, base] = NOUNS[i % NOUNS.length] as [string, string, number];
    const code = `${prefix}-${String(i).padStart(5, "0")}`;
    const name = `${ADJECTIVES[i % ADJECTIVES.length]} ${noun} ${i}`;
    erpnext.importDoc("Item", {
      item_code: code,
      item_name: name,
      description: `<p>The ${name.toLowerCase()}, made to last.</p>`,
      item_group: group,
      stock_uom: "Nos",
      brand: BRANDS[i % BRANDS.length],
      image: `/files/${code.toLowerCase()}.jpg`,
      is_stock_item: 1,
      is_sales_item: 1,
      disabled: 0,
      has_variants: 0,
      weight_per_unit: 0.2 + (i % 5) / 10,
      weight_uom: "Kg",
    });
    erpnext.importDoc("Item Price", {
      item_code: code,
      price_list: "Standard Selling",
      price_list_rate: Math.round((base + (i % 7)) * 100) / 100,
      uom: "Nos",
      currency: "USD",
    });
    erpnext.moveBin(code, "Stores - SC", { actual: 10 + (i % 13) });
    codes.push(code);
  }
  return codes;
}
