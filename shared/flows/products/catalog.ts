import { chunks, mapLimited } from "../../concurrency";
import { describeIssues } from "../../validation";
import { ERPNEXT_IN_FILTER } from "../erpnext-documents";
import {
  ITEM_FIELDS,
  ITEM_PRICE_FIELDS,
  type Item,
  type ItemPrice,
  itemPriceSchema,
  itemSchema,
} from "../erpnext-items";
import type { ProductMapping } from "../records";
import type { VariantInput } from "./mapping";
import type { ItemSource } from "./ports";

/** A template with its variants, read for one sync. */
export interface TemplateUnit {
  template?: Item;
  variants: VariantInput[];
  /** Attribute names in the template's order. */
  optionOrder: string[];
}

/** What ERPNext holds for one sync's items. */
export interface Catalog {
  items: Map<string, Item>;
  prices: ItemPrice[];
  /** Item Prices that failed validation, by item code, with the reason. */
  unreadablePrices: Map<string, string>;
  unreadable: Map<string, string>;
  templates: Map<string, TemplateUnit>;
  /** What to sync: standalone item codes and template codes. */
  units: string[];
}

/**
 * Items, their templates and variants (with attributes, which only a document read returns),
 * and the prices of all of them. `known` finds the template of a variant deleted in ERPNext.
 */
export async function readCatalog(
  erpnext: ItemSource,
  priceList: string,
  codes: string[],
  known: Map<string, ProductMapping>,
): Promise<Catalog> {
  const { items, unreadable } = await readItems(erpnext, codes);
  const templateCodes = new Set<string>();
  const units = new Set<string>();
  for (const code of codes) {
    const item = items.get(code);
    const template = item?.has_variants
      ? code
      : (item?.variant_of ?? (item ? undefined : known.get(code)?.variantOf));
    if (template) templateCodes.add(template);
    else units.add(code);
  }
  const templates = new Map<string, TemplateUnit>();
  if (templateCodes.size) {
    const list = [...templateCodes];
    const missing = list.filter((c) => !items.has(c));
    if (missing.length) {
      const more = await readItems(erpnext, missing);
      for (const [k, v] of more.items) items.set(k, v);
      for (const [k, v] of more.unreadable) unreadable.set(k, v);
    }
    const variantRows = await erpnext.listAll("Item", {
      fields: ITEM_FIELDS,
      filters: [["variant_of", "in", list]],
    });
    const variants = variantRows.flatMap((row) => {
      const parsed = itemSchema.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
    // Child tables (attributes) come only with the document.
    const docs = await mapLimited(
      [...list.filter((c) => items.has(c)), ...variants.map((v) => v.name)],
      8,
      (name) =>
        erpnext.get<{
          name: string;
          attributes?: { attribute: string; attribute_value?: string | null }[];
        }>("Item", name),
    );
    const attributesOf = new Map(docs.map((d) => [d.name, d.attributes ?? []]));
    for (const code of list) {
      templates.set(code, {
        template: items.get(code),
        optionOrder: (attributesOf.get(code) ?? []).map((a) => a.attribute),
        variants: variants
          .filter((v) => v.variant_of === code)
          .map((item) => ({
            item,
            attributes: Object.fromEntries(
              (attributesOf.get(item.name) ?? [])
                .filter((a) => a.attribute_value)
                .map((a) => [a.attribute, a.attribute_value as string]),
            ),
          })),
      });
      units.add(code);
    }
  }
  const priced = [
    ...new Set([
      ...codes,
      ...templateCodes,
      ...[...templates.values()].flatMap((t) => t.variants.map((v) => v.item.name)),
    ]),
  ];
  const { prices, unreadablePrices } = await readPrices(erpnext, priceList, priced);
  return { items, prices, unreadablePrices, unreadable, templates, units: [...units] };
}

async function readItems(
  erpnext: ItemSource,
  codes: string[],
): Promise<{ items: Map<string, Item>; unreadable: Map<string, string> }> {
  const rows: Record<string, unknown>[] = [];
  for (const chunk of chunks(codes, ERPNEXT_IN_FILTER)) {
    rows.push(
      ...(await erpnext.listAll("Item", {
        fields: ITEM_FIELDS,
        filters: [["name", "in", chunk]],
      })),
    );
  }

  const items = new Map<string, Item>();
  const unreadable = new Map<string, string>();
  for (const row of rows) {
    const parsed = itemSchema.safeParse(row);
    if (parsed.success) items.set(parsed.data.name, parsed.data);
    else unreadable.set(String(row.name), describeIssues(parsed.error.issues, "item"));
  }
  return { items, unreadable };
}

/** The Item Prices of these items on the price list; an unreadable one is kept as a reason. */
async function readPrices(
  erpnext: ItemSource,
  priceList: string,
  codes: string[],
): Promise<{ prices: ItemPrice[]; unreadablePrices: Map<string, string> }> {
  const priceRows: unknown[] = [];
  for (const chunk of chunks(codes, ERPNEXT_IN_FILTER)) {
    priceRows.push(
      ...(await erpnext.listAll("Item Price", {
        fields: ITEM_PRICE_FIELDS,
        filters: [
          ["item_code", "in", chunk],
          ["price_list", "=", priceList],
        ],
      })),
    );
  }
  const unreadablePrices = new Map<string, string>();
  const prices = priceRows.flatMap((row) => {
    const parsed = itemPriceSchema.safeParse(row);
    if (parsed.success) return [parsed.data];
    const code = (row as { item_code?: unknown }).item_code;
    if (typeof code === "string") unreadablePrices.set(code, describeIssues(parsed.error.issues, "price"));
    return [];
  });
  return { prices, unreadablePrices };
}
