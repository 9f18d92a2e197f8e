import { errorMessage } from "../../errors";
import type { Item, ItemPrice } from "../erpnext-items";
import type { Outcome, ProductMapping } from "../records";
import type { WixProduct } from "../wix-catalog";
import type { Catalog, TemplateUnit } from "./catalog";
import { HIDDEN_HASH, pickPrice, priceProblem, toWixProduct, toWixVariantProduct } from "./mapping";

/** What a sync did with one standalone item or template. */
export interface ItemResult {
  itemCode: string;
  outcome: Outcome;
  reason?: string;
  retryable?: boolean;
  /** The site whose result the Item's status fields show, when it is not this one (scope.ts). */
  statusElsewhere?: string;
  /** Unchanged here, yet the Item's status is written again: it may have shown another site's. */
  restate?: boolean;
  /**
   * Another run holds the item's claim (claims.ts): that run writes its status. An "Error" here
   * could land last and stay, the retry finding the item unchanged and writing nothing.
   */
  claimedElsewhere?: boolean;
}

/** One product to write to Wix: a standalone item, or a template whose variants are the Wix variants. */
export type Planned = {
  itemCode: string;
  product: WixProduct;
  hash: string;
  mapping?: ProductMapping;
  priceName?: string;
  /** A template's variant item codes (each a Wix variant SKU). */
  variantCodes?: string[];
  /** After a write: the Wix variant id of each of those SKUs. */
  variantIds?: Map<string, string>;
  /** The ERPNext item group, filed as a Wix category by the category job. */
  itemGroup?: string;
  /** Why it is hidden (for the sync log). */
  reason?: string;
};

/** How items become products: the price list to read and what a price of 0 means. */
export interface PlanSettings {
  erpnextUrl: string;
  priceList: string;
  /** Publish items priced 0 (ALLOW_FREE_ITEMS); otherwise a 0 price hides the product. */
  allowFreeItems?: boolean;
  /** Decimals of a price in ERPNext (readCurrencyPrecision); prices are published rounded to it. */
  currencyPrecision?: number;
}

/** A new item that cannot be published as it is (no valid price yet). */
export class NotPublishableYet extends Error {}

/** The SKUs a planned product carries: its variants' item codes, or its own. */
export const skusOf = (plan: Planned) => plan.variantCodes ?? [plan.itemCode];

/**
 * Decides what to send for one standalone item; undefined when Wix already shows it. Throws
 * `NotPublishableYet` for a new item without a publishable price.
 */
export function planItem(
  settings: PlanSettings,
  code: string,
  item: Item | undefined,
  prices: ItemPrice[],
  mapping: ProductMapping | undefined,
  unreadablePrices: Map<string, string>,
): Planned | undefined {
  const price = item ? pickPrice(prices, item, settings.priceList) : undefined;
  // Deleted or disabled: hide it.
  if (!item || item.disabled || !item.is_sales_item) return hide(code, mapping);
  // No longer priced (missing, unreadable, 0 at the currency's precision): hide it with the
  // reason, never leave it for sale at an old price or at 0.00; a new item is not published at all.
  const allowFree = settings.allowFreeItems ?? false;
  const precision = settings.currencyPrecision;
  const problem = priceProblem(code, price, { allowFree, precision }, unreadablePrices.get(code));
  if (problem) {
    if (mapping) return hide(code, mapping, problem);
    throw new NotPublishableYet(problem);
  }
  const { product, hash } = toWixProduct(
    item,
    price,
    settings.erpnextUrl,
    mapping?.variantId,
    allowFree,
    precision,
  );
  if (mapping?.hash === hash) return undefined;
  return {
    itemCode: code,
    product,
    hash,
    mapping,
    priceName: price?.name,
    itemGroup: item.item_group ?? undefined,
  };
}

/** The same for a template: one product, its variants as Wix variants. */
export function planTemplate(
  settings: PlanSettings,
  code: string,
  unit: TemplateUnit,
  prices: ItemPrice[],
  mappings: Map<string, ProductMapping>,
): Planned | undefined {
  const mapping = mappings.get(code);
  const { template } = unit;
  if (!template || template.disabled || !template.is_sales_item) return hide(code, mapping);
  const variants = unit.variants.map((v) => ({
    ...v,
    price: pickPrice(prices, v.item, settings.priceList),
  }));
  const templatePrice = pickPrice(prices, template, settings.priceList);
  const ids = new Map<string, string>();
  for (const v of variants) {
    const id = mappings.get(v.item.item_code)?.variantId;
    if (id) ids.set(v.item.item_code, id);
  }
  let content: ReturnType<typeof toWixVariantProduct>;
  try {
    content = toWixVariantProduct(
      template,
      templatePrice,
      variants,
      unit.optionOrder,
      settings.erpnextUrl,
      ids,
      settings.allowFreeItems ?? false,
      settings.currencyPrecision,
    );
  } catch (error) {
    // A published template that can no longer be sold as it is must not stay on sale.
    if (mapping) return hide(code, mapping, errorMessage(error));
    throw error;
  }
  if (mapping?.hash === content.hash) return undefined;
  const variantCodes = variants.map((v) => v.item.item_code);
  return { itemCode: code, ...content, mapping, variantCodes, itemGroup: template.item_group ?? undefined };
}

/** Hides a published product (undefined when it is not published or hidden already). */
export function hide(
  code: string,
  mapping: ProductMapping | undefined,
  reason?: string,
): Planned | undefined {
  if (!mapping || mapping.hash === HIDDEN_HASH) return undefined;
  return { itemCode: code, mapping, hash: HIDDEN_HASH, product: { visible: false } as WixProduct, reason };
}

/**
 * Mappings of items moved to another group. The move changes no product content (so no Wix
 * call); the mapping notes the new group and the category job files it in bulk. Items about to
 * be written (`planned`) record their group with the write.
 */
export function groupChanges(
  catalog: Catalog,
  mappings: Map<string, ProductMapping>,
  planned: Planned[],
): { mapping: ProductMapping }[] {
  const busy = new Set(planned.map((p) => p.itemCode));
  return catalog.units.flatMap((code) => {
    const mapping = mappings.get(code);
    const group = (catalog.templates.get(code)?.template ?? catalog.items.get(code))?.item_group ?? undefined;
    return mapping && group && mapping.itemGroup !== group && !busy.has(code)
      ? [{ mapping: { ...mapping, itemGroup: group } }]
      : [];
  });
}
