import type { InventoryVariantV2Original } from "@wix/auto_sdk_stores_inventory/meta";
import type {
  MediaItemOriginal,
  ProductOptionOriginal,
  ProductOriginal,
  VariantOriginal,
} from "@wix/auto_sdk_stores_products/meta";

/**
 * Catalog V1 as the sandbox keeps it: the SDK's wire types (@wix/auto_sdk_stores_products and
 * _inventory build/cjs/meta.d.ts), dates as the ISO strings the wire carries.
 */

/** A V1 variant: `{id, choices: {option: choice}, variant: {priceData, weight, sku, visible}}`. */
export type V1Variant = Omit<VariantOriginal, "stock"> & { id: string; choices: Record<string, string> };

/** A stored V1 product: its variants are always kept, and answered where the call includes them. */
export type V1Product = Omit<ProductOriginal, "lastUpdated" | "createdDate" | "variants" | "media"> & {
  id: string;
  name: string;
  productOptions: ProductOptionOriginal[];
  manageVariants: boolean;
  variants: V1Variant[];
  media: { mainMedia?: MediaItemOriginal; items: MediaItemOriginal[] };
  lastUpdated: string;
  createdDate: string;
};

/** The one V1 inventory item of a product (InventoryItemV2): quantities per variant. */
export interface V1InventoryItem {
  id: string;
  productId: string;
  trackQuantity: boolean;
  variants: (Required<Pick<InventoryVariantV2Original, "variantId">> & {
    quantity: number;
    inStock: boolean;
  })[];
  lastUpdated: string;
  numericId: string;
}

/** A V1 collection (Collection of @wix/auto_sdk_stores_collections) and its products. */
export interface V1Collection {
  id: string;
  name: string;
  slug: string;
  visible: boolean;
  description?: string;
  productIds: string[];
}
