import { createHash } from "node:crypto";
import { PermanentError } from "../../errors";
import { DEFAULT_CURRENCY_PRECISION, roundToPrecision } from "../currency";
import type { Item, ItemPrice } from "../erpnext-items";
import type { WixProduct, WixVariant } from "../wix-catalog";

/**
 * Why an item cannot become a Wix product as it is, by kind: the first-sync plan (./first-sync.ts) lists
 * these for a person to decide; the sync parks or hides with the same message.
 */
export type ContentProblemKind = "over-limit" | "variant-attributes" | "no-price";
export class ContentProblem extends PermanentError {
  constructor(
    readonly kind: ContentProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** Limits from the doc comments of @wix/auto_sdk_stores_products-v-3 (build/cjs/meta.d.ts). */
export const WIX_NAME_MAX = 80; // V3Product.name @maxLength 80
export const WIX_SKU_MAX = 40; // Variant.sku @maxLength 40
export const WIX_DESCRIPTION_MAX = 16000; // V3Product.plainDescription @maxLength 16000
/** V3Brand.name, ConnectedOption.name, ConnectedOptionChoice.name: @maxLength 50. */
export const WIX_LABEL_MAX = 50;
/** FixedMonetaryAmount.amount: `@decimalValue options { gte:0, lte:999999999.99, maxScale:3 }`. */
export const WIX_PRICE_MAX = 999999999.99;

/** Fits a name into Wix's 80 characters, cutting at a word where one is close. */
export function fitName(name: string, max = WIX_NAME_MAX): string {
  const clean = name.replace(/\s+/g, " ").trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Wix keeps at most 3 decimals of a price (FixedMonetaryAmount.amount `maxScale:3`). */
const WIX_PRICE_SCALE = 3;

/**
 * Decimal string as Wix wants prices, rounded to the currency's precision in ERPNext so that what
 * Wix charges is what ERPNext books: two places ("19.99"), or three when the price has them
 * ("1.275", a 3-decimal currency).
 */
export function toAmount(value: number, precision = DEFAULT_CURRENCY_PRECISION): string {
  const rounded = roundToPrecision(value, Math.min(precision, WIX_PRICE_SCALE));
  const three = rounded.toFixed(3);
  return three.endsWith("0") ? rounded.toFixed(2) : three;
}

/** A brand name fitted to Wix's 50 characters (a longer ERPNext brand still shows, shortened). */
function brandOf(brand: string | null | undefined): WixProduct["brand"] {
  return brand ? { name: fitName(brand, WIX_LABEL_MAX) } : undefined;
}

/** Variants of a PHYSICAL product must carry `physicalProperties` (Variant doc), even with no weight. */
function physical(weight: number | undefined): NonNullable<WixVariant["physicalProperties"]> {
  return weight !== undefined ? { weight } : {};
}

/** ERPNext weights in kg, g or lb become the kilograms Wix stores. */
export function toKilograms(weight: number | undefined, uom: string | null | undefined): number | undefined {
  if (!weight) return undefined;
  const unit = (uom ?? "kg").toLowerCase();
  const factor = unit.startsWith("g")
    ? 0.001
    : unit.startsWith("lb") || unit.startsWith("pound")
      ? 0.45359237
      : 1;
  return Math.round(weight * factor * 1000) / 1000;
}

/** Absolute URL for an ERPNext file path ("/files/mug.jpg"). */
export function imageUrl(image: string | null | undefined, erpnextUrl: string): string | undefined {
  if (!image) return undefined;
  if (/^https?:\/\//i.test(image)) return image;
  return `${erpnextUrl.replace(/\/$/, "")}/${image.replace(/^\//, "")}`;
}

/**
 * The selling price to publish: the configured price list, no customer, the item's stock UOM (or
 * none), valid today; the most recent `valid_from` wins (get_item_price in
 * erpnext/stock/get_item_details.py).
 */
export function pickPrice(
  prices: ItemPrice[],
  item: Pick<Item, "item_code" | "stock_uom">,
  priceList: string,
  today = new Date().toISOString().slice(0, 10),
): ItemPrice | undefined {
  return prices
    .filter(
      (p) =>
        p.item_code === item.item_code &&
        p.price_list === priceList &&
        !p.customer &&
        (!p.uom || !item.stock_uom || p.uom === item.stock_uom) &&
        (!p.valid_from || p.valid_from.slice(0, 10) <= today) &&
        (!p.valid_upto || p.valid_upto.slice(0, 10) >= today),
    )
    .sort((a, b) => (b.valid_from ?? "").localeCompare(a.valid_from ?? ""))[0];
}

/** What a price may be: 0 (`ALLOW_FREE_ITEMS`), and the decimals ERPNext books it with. */
export interface PriceRules {
  allowFree: boolean;
  /** The currency's precision in ERPNext (shared/flows/currency.ts); 2 when not given. */
  precision?: number;
}

/**
 * Why a price cannot be published, or undefined when it can: missing (or unreadable), negative,
 * or 0 at the currency's precision (0.001 sells for 0.00) unless free items are allowed
 * (`ALLOW_FREE_ITEMS`): a product never goes on sale at 0.00 by accident.
 */
export function priceProblem(
  code: string,
  price: ItemPrice | undefined,
  rules: PriceRules,
  unreadable?: string,
): string | undefined {
  if (!price)
    return unreadable
      ? `item "${code}" has an unreadable price (${unreadable})`
      : `item "${code}" has no valid selling price`;
  if (price.price_list_rate < 0) return `item "${code}" has a negative price`;
  if (price.price_list_rate > WIX_PRICE_MAX) return `item "${code}" costs more than Wix's ${WIX_PRICE_MAX}`;
  const precision = rules.precision ?? DEFAULT_CURRENCY_PRECISION;
  if (roundToPrecision(price.price_list_rate, precision) === 0 && !rules.allowFree)
    return price.price_list_rate === 0
      ? `item "${code}" has price 0 (set ALLOW_FREE_ITEMS=true to sell it free)`
      : `item "${code}" has price ${price.price_list_rate}, which is 0 at the currency's ${precision} decimals (set ALLOW_FREE_ITEMS=true to sell it free)`;
  return undefined;
}

/** Whether an item should be for sale in Wix at all. */
export function isSellable(item: Item): boolean {
  return !item.disabled && item.is_sales_item !== false && !item.has_variants;
}

export interface ProductContent {
  product: WixProduct;
  hash: string;
}

/** Maps an ERPNext item and its price to a Wix V3 product with one variant (sku = item_code). */
export function toWixProduct(
  item: Item,
  price: ItemPrice | undefined,
  erpnextUrl: string,
  existingVariantId?: string,
  allowFree = false,
  precision = DEFAULT_CURRENCY_PRECISION,
): ProductContent {
  if (item.item_code.length > WIX_SKU_MAX) {
    throw new ContentProblem(
      "over-limit",
      `item code "${item.item_code}" is longer than Wix's ${WIX_SKU_MAX}-character SKU limit`,
    );
  }
  const problem = priceProblem(item.item_code, price, { allowFree, precision });
  if (problem || !price)
    throw new ContentProblem("no-price", problem ?? `item "${item.item_code}" has no price`);
  const url = imageUrl(item.image, erpnextUrl);
  const weight = toKilograms(item.weight_per_unit, item.weight_uom);
  const product: WixProduct = {
    name: fitName(item.item_name || item.item_code),
    plainDescription: item.description ? item.description.slice(0, WIX_DESCRIPTION_MAX) : undefined,
    visible: isSellable(item),
    productType: "PHYSICAL",
    physicalProperties: {},
    brand: brandOf(item.brand),
    media: url ? { itemsInfo: { items: [{ url }] } } : undefined,
    // No options: one default variant with no choices. Sent as `[]` because an update that sends
    // variants must send options too (MISSING_OPTIONS_ON_UPDATE_VARIANTS, updateProduct doc).
    options: [],
    variantsInfo: {
      variants: [
        {
          id: existingVariantId,
          sku: item.item_code,
          visible: true,
          choices: [],
          price: { actualPrice: { amount: toAmount(price.price_list_rate, precision) } },
          physicalProperties: physical(weight),
        },
      ],
    },
  };
  return { product: stripUndefined(product), hash: contentHash(product) };
}

/** Hash of what we publish, ignoring Wix-assigned ids, so a rerun with no change makes no call. */
export function contentHash(product: WixProduct): string {
  const { id: _id, revision: _rev, ...content } = product;
  const variants = content.variantsInfo.variants.map(({ id: _vid, ...v }) => v);
  return createHash("sha256")
    .update(JSON.stringify({ ...content, variantsInfo: { variants } }))
    .digest("base64url")
    .slice(0, 22);
}

export const HIDDEN_HASH = "hidden";

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export const WIX_MAX_OPTIONS = 6;

export interface VariantInput {
  item: Item;
  price?: ItemPrice;
  /** attribute name -> value, from the variant's `attributes` rows. */
  attributes: Record<string, string>;
}

/**
 * A template item and its variants as one Wix product: each ERPNext attribute becomes an option,
 * each variant item a Wix variant whose SKU is its item code. A variant without its own price
 * takes the template's; disabled variants stay (hidden) so their inventory item is kept.
 */
export function toWixVariantProduct(
  template: Item,
  templatePrice: ItemPrice | undefined,
  variants: VariantInput[],
  optionOrder: string[],
  erpnextUrl: string,
  existingVariantIds: Map<string, string> = new Map(),
  allowFree = false,
  precision = DEFAULT_CURRENCY_PRECISION,
): ProductContent {
  if (!variants.length)
    throw new ContentProblem(
      "variant-attributes",
      `template "${template.item_code}" has no variants to sell`,
    );
  const names = [...new Set([...optionOrder, ...variants.flatMap((v) => Object.keys(v.attributes))])].filter(
    (n) => variants.some((v) => v.attributes[n]),
  );
  if (names.length > WIX_MAX_OPTIONS) {
    throw new ContentProblem(
      "over-limit",
      `template "${template.item_code}" has ${names.length} attributes; Wix allows ${WIX_MAX_OPTIONS} options`,
    );
  }
  const tooLong = [...names, ...variants.flatMap((v) => Object.values(v.attributes))].find(
    (label) => label.length > WIX_LABEL_MAX,
  );
  if (tooLong) {
    throw new ContentProblem(
      "over-limit",
      `template "${template.item_code}": attribute or value "${tooLong}" is longer than Wix's ${WIX_LABEL_MAX} characters`,
    );
  }
  const seen = new Set<string>();
  const wixVariants = variants.map(({ item, price, attributes }) => {
    if (item.item_code.length > WIX_SKU_MAX) {
      throw new ContentProblem(
        "over-limit",
        `variant "${item.item_code}" is longer than Wix's ${WIX_SKU_MAX}-character SKU limit`,
      );
    }
    const missing = names.filter((n) => !attributes[n]);
    if (missing.length)
      throw new ContentProblem(
        "variant-attributes",
        `variant "${item.item_code}" has no value for ${missing.join(", ")}`,
      );
    const combination = names.map((n) => attributes[n]).join("\u0000");
    if (seen.has(combination))
      throw new ContentProblem(
        "variant-attributes",
        `variant "${item.item_code}" repeats another variant's attributes`,
      );
    seen.add(combination);
    const rate = price ?? templatePrice;
    if (!rate)
      throw new ContentProblem(
        "no-price",
        `variant "${item.item_code}" has no valid selling price (nor has its template)`,
      );
    const problem = priceProblem(item.item_code, rate, { allowFree, precision });
    if (problem) throw new ContentProblem("no-price", problem);
    const weight = toKilograms(
      item.weight_per_unit || template.weight_per_unit,
      item.weight_uom ?? template.weight_uom,
    );
    const variant: WixVariant = {
      id: existingVariantIds.get(item.item_code),
      sku: item.item_code,
      visible: isSellable(item),
      choices: names.map((optionName) => ({
        optionChoiceNames: {
          optionName,
          choiceName: attributes[optionName] as string,
          renderType: "TEXT_CHOICES",
        },
      })),
      price: { actualPrice: { amount: toAmount(rate.price_list_rate, precision) } },
      physicalProperties: physical(weight),
    };
    return variant;
  });
  const url = imageUrl(template.image, erpnextUrl);
  const product: WixProduct = {
    name: fitName(template.item_name || template.item_code),
    plainDescription: template.description ? template.description.slice(0, WIX_DESCRIPTION_MAX) : undefined,
    visible: !template.disabled && template.is_sales_item !== false && wixVariants.some((v) => v.visible),
    productType: "PHYSICAL",
    physicalProperties: {},
    brand: brandOf(template.brand),
    media: url ? { itemsInfo: { items: [{ url }] } } : undefined,
    options: names.map((name) => ({
      name,
      optionRenderType: "TEXT_CHOICES",
      choicesSettings: {
        choices: [...new Set(variants.map((v) => v.attributes[name] as string))].map((choice) => ({
          choiceType: "CHOICE_TEXT",
          name: choice,
        })),
      },
    })),
    variantsInfo: { variants: wixVariants },
  };
  return { product: stripUndefined(product), hash: contentHash(product) };
}
