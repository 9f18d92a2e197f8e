import * as z from "../validation";

/**
 * ERPNext's Item, Item Price and Bin as the products and inventory flows read them (fields of
 * erpnext/stock/doctype/item/item.json, item_price/item_price.json, bin/bin.json), checked as they
 * arrive: a bad number is an error naming it, never a silent 0.
 */

/** Frappe sends 0/1 for checks; tolerate booleans and strings from templates. */
const check = z.pipe(
  z.nullish(z.union([z.number(), z.boolean(), z.string()])),
  z.transform((v) => v === 1 || v === true || v === "1"),
);
/**
 * A Frappe number: a JSON number, or a numeric string from a webhook template. Anything else is a
 * validation error naming the value, never a silent 0 (a price of "abc" must not sell at 0.00).
 */
const toNumber = (v: number | string, ctx: { issues: unknown[] }) => {
  const n = typeof v === "number" ? v : v.trim() === "" ? Number.NaN : Number(v);
  if (Number.isFinite(n)) return n;
  ctx.issues.push({ code: "custom", message: `expected a number, got ${JSON.stringify(v)}`, input: v });
  return z.NEVER;
};
/** Optional numbers (weights, Bin quantities): unset is Frappe's default for a Float field, 0. */
const num = z.pipe(
  z.nullish(z.union([z.number(), z.string()])),
  z.transform((v, ctx) => (v === undefined || v === null ? 0 : toNumber(v, ctx))),
);
/** A number the document cannot do without (a price): missing is an error too. */
const requiredNum = z.pipe(
  z.union([z.number(), z.string()], { error: "expected a number" }),
  z.transform((v, ctx) => toNumber(v, ctx)),
);
const text = z.nullish(z.string());

export const itemSchema = z.looseObject({
  name: z.string(),
  item_code: z.string(),
  item_name: text,
  description: text,
  item_group: text,
  stock_uom: text,
  brand: text,
  image: text,
  disabled: check,
  /** Missing means the default, which is 1. */
  is_sales_item: z.pipe(
    z.nullish(z.union([z.number(), z.boolean()])),
    z.transform((v) => v === undefined || v === null || v === 1 || v === true),
  ),
  has_variants: check,
  variant_of: text,
  weight_per_unit: num,
  weight_uom: text,
  modified: z.string(),
  attributes: z.nullish(z.array(z.object({ attribute: z.string(), attribute_value: text }))),
});
export type Item = z.infer<typeof itemSchema>;

export const itemPriceSchema = z.object({
  name: z.optional(z.string()),
  item_code: z.string(),
  price_list: z.string(),
  price_list_rate: requiredNum,
  uom: text,
  currency: text,
  customer: text,
  valid_from: text,
  valid_upto: text,
  modified: z.optional(z.string()),
});
export type ItemPrice = z.infer<typeof itemPriceSchema>;

export const binSchema = z.object({
  item_code: z.string(),
  warehouse: z.string(),
  actual_qty: num,
  reserved_qty: num,
  modified: z.string(),
});
export type Bin = z.infer<typeof binSchema>;

/** Fields read for product sync; Item lists return only `name` unless asked. */
export const ITEM_FIELDS = [
  "name",
  "item_code",
  "item_name",
  "description",
  "item_group",
  "stock_uom",
  "brand",
  "image",
  "disabled",
  "is_sales_item",
  "has_variants",
  "variant_of",
  "weight_per_unit",
  "weight_uom",
  "modified",
];
export const ITEM_PRICE_FIELDS = [
  "name",
  "item_code",
  "price_list",
  "price_list_rate",
  "uom",
  "currency",
  "customer",
  "valid_from",
  "valid_upto",
  "modified",
];
