import type { GetCatalogVersionResponseOriginal } from "@wix/auto_sdk_stores_catalog-versioning/meta";
import type {
  InventoryItemOriginal as InventoryItemWire,
  ProductOriginal as InventoryProductWire,
} from "@wix/auto_sdk_stores_inventory-items-v-3/meta";
import type {
  BulkCreateProductsWithInventoryRequestOriginal,
  BulkCreateProductsWithInventoryResponseOriginal,
  BulkUpdateProductsRequestOriginal,
  BulkUpdateProductsResponseOriginal,
  ConnectedOptionChoiceOriginal,
  ConnectedOptionOriginal,
  CreateProductWithInventoryRequestOriginal,
  FixedMonetaryAmountOriginal,
  OptionChoiceOriginal,
  OptionChoiceReferencesOriginal,
  PriceInfoOriginal,
  ProductWithInventoryOriginal,
  UpdateProductRequestOriginal,
  V3BrandOriginal,
  V3GetProductResponseOriginal,
  V3ProductOriginal,
  VariantOriginal,
  VariantWithInventoryOriginal,
} from "@wix/auto_sdk_stores_products-v-3/meta";
import type {
  ProductFieldsOriginal,
  ReadOnlyVariantOriginal,
  SearchVariantsRequestOriginal,
  SearchVariantsResponseOriginal,
} from "@wix/auto_sdk_stores_read-only-variants-v-3/meta";

/**
 * The parts of Wix Catalog V3 shapes the products and inventory flows read and write (wire types
 * in build/cjs/meta.d.ts of the @wix/auto_sdk_stores_* packages). Product shapes are checked
 * against the official SDK's wire types (`WireChecks` below), so a field name or shape that Wix
 * does not declare fails `tsc`. Flow-level: the Wix adapter implements the flows' ports with them.
 */

/**
 * Wix limits: up to 100 products and 1,000 variants in all per bulk call (bulkCreateProducts doc in
 * @wix/auto_sdk_stores_products-v-3 build/cjs/index.d.ts; BulkUpdateProductsRequest in meta.d.ts).
 */
export const WIX_BULK_PRODUCTS = 100;
export const WIX_BULK_VARIANTS = 1000;
/** Options created by one bulk create, in all (bulkCreateProductsWithInventory doc, products-v-3 index.d.ts). */
export const WIX_BULK_OPTIONS = 100;
/** Bulk create/update take 1..1000 inventory items
 * (@wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts: `@maxSize 1000`). */
export const WIX_BULK_INVENTORY = 1000;
/** GetCatalogVersionResponse.catalogVersion (@wix/auto_sdk_stores_catalog-versioning meta.d.ts). */
export type CatalogVersion = NonNullable<GetCatalogVersionResponseOriginal["catalogVersion"]>;

export interface Money {
  amount: string;
  formattedAmount?: string;
}

export interface WixChoice {
  optionChoiceNames: {
    optionName: string;
    choiceName: string;
    renderType?: "TEXT_CHOICES" | "SWATCH_CHOICES";
  };
}

export interface WixOption {
  name: string;
  optionRenderType?: "TEXT_CHOICES" | "SWATCH_CHOICES";
  choicesSettings?: { choices: { choiceType?: "CHOICE_TEXT" | "ONE_COLOR"; name: string }[] };
}

export interface WixVariant {
  id?: string;
  sku?: string;
  visible?: boolean;
  choices?: WixChoice[];
  price: { actualPrice: Money; compareAtPrice?: Money };
  /** Required on every variant of a PHYSICAL product (`{}` when there is no weight). */
  physicalProperties?: { weight?: number };
}

/** A variant as created with its inventory (Bulk Create Products With Inventory). */
export interface WixVariantWithStock extends WixVariant {
  inventoryItem?: { quantity?: number; inStock?: boolean };
}

export interface WixProduct {
  id?: string;
  revision?: string;
  name: string;
  plainDescription?: string;
  visible?: boolean;
  productType?: "PHYSICAL" | "DIGITAL";
  physicalProperties?: Record<string, never>;
  /** On create `{name}` makes a new brand; on update Wix takes only `{id}` (BRAND_MISSING_ID otherwise). */
  brand?: { id?: string; name?: string };
  media?: { itemsInfo: { items: { url?: string; id?: string }[] } };
  options?: WixOption[];
  variantsInfo: { variants: WixVariant[] };
}

/** A product to create together with each variant's opening stock. */
export interface WixNewProduct extends Omit<WixProduct, "id" | "revision" | "variantsInfo"> {
  variantsInfo: { variants: WixVariantWithStock[] };
}

/**
 * A product update (Update Product / Bulk Update Products). The SDK's updateProduct doc
 * (@wix/auto_sdk_stores_products-v-3, build/cjs/index.d.ts) says: variants and options travel
 * together (MISSING_OPTIONS_ON_UPDATE_VARIANTS), and a brand is assigned by `id` only
 * (BRAND_MISSING_ID); omitted top-level fields stay unchanged.
 */
export type WixProductUpdate = Omit<Partial<WixProduct>, "brand" | "options" | "variantsInfo"> & {
  id: string;
  revision: string;
  brand?: { id: string; name?: string };
} & (
    | { options: WixOption[]; variantsInfo: { variants: WixVariant[] } }
    | { options?: undefined; variantsInfo?: undefined }
  );

export interface BulkItemResult<T> {
  itemMetadata: {
    id?: string;
    originalIndex: number;
    success: boolean;
    error?: { code: string; description?: string };
  };
  item?: T;
}

export interface BulkResponse<T> {
  results: BulkItemResult<T>[];
  bulkActionMetadata: { totalSuccesses: number; totalFailures: number; undetailedFailures: number };
}

/**
 * The `/bulk/products-with-inventory/*` answer: product results nested under `productResults`
 * (BulkCreateProductsWithInventoryResponse, @wix/auto_sdk_stores_products-v-3 meta.d.ts).
 */
export interface BulkWithInventoryResponse {
  productResults?: BulkResponse<WixProduct>;
  /** Stock created with the products; we read only the counts. */
  inventoryResults?: { bulkActionMetadata?: BulkResponse<unknown>["bulkActionMetadata"] };
}

/** A variant found by SKU (Search Variants, @wix/auto_sdk_stores_read-only-variants-v-3). */
export interface WixVariantMatch {
  variantId?: string;
  sku?: string;
  productData?: { productId?: string; revision?: string; name?: string };
}

export interface WixSearchVariantsResponse {
  variants?: WixVariantMatch[];
  pagingMetadata?: { cursors?: { next?: string }; hasNext?: boolean };
}

/** `Ours` may name only fields `Sdk` declares, each with a compatible type. */
export type Conforms<Ours, Sdk> = [Ours] extends [Sdk]
  ? Exclude<keyof Ours, keyof Sdk> extends never
    ? true
    : false
  : false;
export type Assert<T extends true> = T;

/** Compile-time contract: our product shapes against the SDK's wire types. */
export type WireChecks = [
  Assert<Conforms<Money, FixedMonetaryAmountOriginal>>,
  Assert<Conforms<WixVariant["price"], PriceInfoOriginal>>,
  Assert<Conforms<WixChoice, OptionChoiceOriginal>>,
  Assert<Conforms<WixChoice, OptionChoiceReferencesOriginal>>,
  Assert<
    Conforms<NonNullable<WixOption["choicesSettings"]>["choices"][number], ConnectedOptionChoiceOriginal>
  >,
  Assert<Conforms<WixOption, ConnectedOptionOriginal>>,
  Assert<Conforms<WixVariant, VariantOriginal>>,
  Assert<Conforms<WixVariantWithStock, VariantWithInventoryOriginal>>,
  Assert<Conforms<NonNullable<WixProduct["brand"]>, V3BrandOriginal>>,
  Assert<Conforms<WixProduct, V3ProductOriginal>>,
  Assert<Conforms<WixNewProduct, ProductWithInventoryOriginal>>,
  Assert<Conforms<{ product: WixNewProduct; returnEntity: true }, CreateProductWithInventoryRequestOriginal>>,
  Assert<Conforms<{ product: WixProductUpdate }, UpdateProductRequestOriginal>>,
  Assert<
    Conforms<
      { products: WixNewProduct[]; returnEntity: true },
      BulkCreateProductsWithInventoryRequestOriginal
    >
  >,
  Assert<
    Conforms<
      { products: { product: WixProductUpdate }[]; returnEntity: true },
      BulkUpdateProductsRequestOriginal
    >
  >,
  Assert<Conforms<{ product: WixProduct }, V3GetProductResponseOriginal>>,
  Assert<Conforms<BulkResponse<WixProduct>, BulkUpdateProductsResponseOriginal>>,
  Assert<Conforms<BulkWithInventoryResponse, BulkCreateProductsWithInventoryResponseOriginal>>,
  Assert<Conforms<NonNullable<WixVariantMatch["productData"]>, ProductFieldsOriginal>>,
  Assert<Conforms<WixVariantMatch, ReadOnlyVariantOriginal>>,
  Assert<Conforms<WixSearchVariantsResponse, SearchVariantsResponseOriginal>>,
  Assert<
    Conforms<
      { search: { filter: { sku: { $in: string[] } }; cursorPaging: { limit: number } } },
      SearchVariantsRequestOriginal
    >
  >,
];

/**
 * An inventory item as we read it: one variant at one location (the pair is unique, see
 * @wix/auto_sdk_stores_inventory-items-v-3 build/cjs/meta.d.ts `InventoryItem`). Every field is
 * picked from that wire type, so a renamed field fails `tsc`.
 */
export type WixInventoryItem = Required<{ [K in "id" | "revision"]: NonNullable<InventoryItemWire[K]> }> &
  Required<Pick<InventoryItemWire, "productId" | "variantId">> &
  Pick<InventoryItemWire, "quantity" | "inStock" | "trackQuantity"> & {
    locationId?: NonNullable<InventoryItemWire["locationId"]>;
    product?: { [K in "variantSku" | "name"]?: NonNullable<InventoryProductWire[K]> };
  };
