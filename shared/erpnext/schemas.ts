import { z } from "zod";

/** Frappe sends 0/1 for checks; tolerate booleans from templates. */
const check = z
  .union([z.number(), z.boolean(), z.string()])
  .nullish()
  .transform((v) => v === 1 || v === true || v === "1");
const num = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => Number(v ?? 0) || 0);

/** The webhook body: thin template or full as_dict(); anything beyond these keys is ignored. */
export const frappeWebhookSchema = z
  .object({
    doctype: z.string().min(1, "doctype is required"),
    name: z.string().min(1, "name is required"),
    modified: z.string().optional(),
    docstatus: z.coerce.number().optional(),
    item_code: z.string().optional(),
    event: z.string().optional(),
  })
  .loose();
export type FrappeWebhook = z.infer<typeof frappeWebhookSchema>;

export const itemSchema = z
  .object({
    name: z.string(),
    item_code: z.string(),
    item_name: z.string().nullish(),
    description: z.string().nullish(),
    item_group: z.string().nullish(),
    stock_uom: z.string().nullish(),
    brand: z.string().nullish(),
    image: z.string().nullish(),
    disabled: check,
    is_sales_item: z
      .union([z.number(), z.boolean()])
      .nullish()
      .transform((v) => v === undefined || v === null || v === 1 || v === true),
    has_variants: check,
    variant_of: z.string().nullish(),
    weight_per_unit: num,
    weight_uom: z.string().nullish(),
    modified: z.string(),
    attributes: z
      .array(z.object({ attribute: z.string(), attribute_value: z.string().nullish() }))
      .optional(),
  })
  .loose();
export type Item = z.infer<typeof itemSchema>;

export const itemPriceSchema = z.object({
  name: z.string().optional(),
  item_code: z.string(),
  price_list: z.string(),
  price_list_rate: num,
  uom: z.string().nullish(),
  currency: z.string().nullish(),
  customer: z.string().nullish(),
  valid_from: z.string().nullish(),
  valid_upto: z.string().nullish(),
  modified: z.string().optional(),
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
