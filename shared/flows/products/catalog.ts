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
import type { ItemFilter, ItemSource } from "./ports";

/**
 * Where an item is for sale: a Wix site sells the items priced in its price list and, when it
 * names item groups (ERPNEXT_ITEM_GROUPS), only those of these groups or their sub-groups.
 */
export interface SiteScope {
  site: string;
  priceList: string;
  itemGroups: string[];
}

/**
 * An Item Group's place in ERPNext's tree. Item Group is a nested set (`nsm_parent_field`
 * parent_item_group, Int fields lft/rgt: erpnext/setup/doctype/item_group/item_group.json): a
 * descendant's lft/rgt lie within its ancestor's (get_descendants_of, frappe/utils/nestedset.py).
 */
export interface GroupBounds {
  lft: number;
  rgt: number;
}

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
  /** The items' prices on every site's price list (`pickPrice` takes a site's). */
  prices: ItemPrice[];
  /** Item Prices of the site's price list that failed validation, by item code, with the reason. */
  unreadablePrices: Map<string, string>;
  /** The price lists each item has a row in, readable or not: where it is for sale. */
  priceLists: Map<string, Set<string>>;
  /** The items' groups and the sites' item groups in ERPNext's tree (read when a site names groups). */
  groups: Map<string, GroupBounds>;
  unreadable: Map<string, string>;
  templates: Map<string, TemplateUnit>;
  /** What to sync: standalone item codes and template codes. */
  units: string[];
}

/**
 * What a sync reads: the site's price list and every site's scope. Every site of a fan-out asks
 * ERPNext the same requests (all sites' price lists at once), so one read serves them all
 * (shared/http/read-memo.ts) and ERPNext's load does not grow with the sites.
 */
export interface CatalogScope {
  priceList: string;
  /** Every site's scope, in the sites file's order; without it, the one site of `priceList`. */
  sites?: SiteScope[];
}

/**
 * Items, their templates and variants (with attributes, which only a document read returns),
 * the prices of all of them and, when a site names item groups, the groups' places in the tree.
 * `known` finds the template of a variant deleted in ERPNext.
 */
export async function readCatalog(
  erpnext: ItemSource,
  scope: CatalogScope,
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
  const { prices, unreadablePrices, priceLists } = await readPrices(erpnext, scope, priced);
  const groups = await readGroups(erpnext, scope.sites ?? [], items);
  return { items, prices, unreadablePrices, priceLists, groups, unreadable, templates, units: [...units] };
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

/**
 * The Item Prices of these items on every site's price list (one site: `=` its list, as ever);
 * an unreadable one of the site's own list is kept as a reason.
 */
async function readPrices(
  erpnext: ItemSource,
  { priceList, sites }: CatalogScope,
  codes: string[],
): Promise<Pick<Catalog, "prices" | "unreadablePrices" | "priceLists">> {
  const lists = [...new Set(sites?.map((s) => s.priceList) ?? [priceList])];
  const onLists: ItemFilter =
    lists.length > 1 ? ["price_list", "in", lists] : ["price_list", "=", lists[0] ?? priceList];
  const priceRows: Record<string, unknown>[] = [];
  for (const chunk of chunks(codes, ERPNEXT_IN_FILTER)) {
    priceRows.push(
      ...(await erpnext.listAll("Item Price", {
        fields: ITEM_PRICE_FIELDS,
        filters: [["item_code", "in", chunk], onLists],
      })),
    );
  }
  const unreadablePrices = new Map<string, string>();
  const priceLists = new Map<string, Set<string>>();
  const prices = priceRows.flatMap((row) => {
    const { item_code: code, price_list: list } = row;
    if (typeof code === "string" && typeof list === "string")
      priceLists.set(code, (priceLists.get(code) ?? new Set()).add(list));
    const parsed = itemPriceSchema.safeParse(row);
    if (parsed.success) return [parsed.data];
    if (typeof code === "string" && list === priceList)
      unreadablePrices.set(code, describeIssues(parsed.error.issues, "price"));
    return [];
  });
  return { prices, unreadablePrices, priceLists };
}

/**
 * The places in the Item Group tree of the items' groups and the sites' groups, when a site
 * names groups: one list read, the same for every site (names sorted), none without groups.
 */
async function readGroups(
  erpnext: ItemSource,
  sites: SiteScope[],
  items: Map<string, Item>,
): Promise<Map<string, GroupBounds>> {
  const wanted = sites.flatMap((s) => s.itemGroups);
  const groups = new Map<string, GroupBounds>();
  if (!wanted.length) return groups;
  const ofItems = [...items.values()].flatMap((i) => (i.item_group ? [i.item_group] : []));
  const names = [...new Set([...wanted, ...ofItems])].sort();
  for (const chunk of chunks(names, ERPNEXT_IN_FILTER))
    for (const row of await erpnext.listAll<{ name: string; lft: unknown; rgt: unknown }>("Item Group", {
      fields: ["name", "lft", "rgt"],
      filters: [["name", "in", chunk]],
    }))
      if (typeof row.lft === "number" && typeof row.rgt === "number")
        groups.set(row.name, { lft: row.lft, rgt: row.rgt });
  return groups;
}
