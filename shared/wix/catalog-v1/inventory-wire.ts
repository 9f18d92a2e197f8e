import type {
  InventoryItemV2Original,
  InventoryVariantV2Original,
  QueryInventoryRequestOriginal,
  UpdateInventoryVariantsRequestOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import type { Assert, Conforms, WixInventoryItem } from "../../flows/wix-catalog";
import type { V1VariantStock } from "./stock";

/**
 * Compile-time contract of the V1 inventory adapter (inventory.ts, stock.ts) against the SDK's
 * wire types (@wix/auto_sdk_stores_inventory build/cjs/meta.d.ts): a field we send or read that
 * Wix does not declare, or declares with another type, fails `tsc`.
 */
export type V1InventoryWireChecks = [
  // What we write: one product's variants, always with trackQuantity (stock.ts).
  Assert<Conforms<V1VariantStock, InventoryVariantV2Original>>,
  Assert<
    Conforms<
      { inventoryItem: { productId: string; trackQuantity: true; variants: V1VariantStock[] } },
      UpdateInventoryVariantsRequestOriginal
    >
  >,
  // What we ask: a page of the inventory in numericId order (inventory.ts queryPage).
  Assert<
    Conforms<
      { query: { sort: string; paging: { limit: number; offset: number } } },
      QueryInventoryRequestOriginal
    >
  >,
  // What we read of each item and variant into the port's WixInventoryItem.
  Assert<
    Conforms<
      { productId: string; trackQuantity: NonNullable<WixInventoryItem["trackQuantity"]> },
      InventoryItemV2Original
    >
  >,
  Assert<
    Conforms<
      {
        variantId: WixInventoryItem["variantId"];
        quantity: NonNullable<WixInventoryItem["quantity"]>;
        inStock: NonNullable<WixInventoryItem["inStock"]>;
      },
      InventoryVariantV2Original
    >
  >,
];
