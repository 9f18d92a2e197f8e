import type { WixSubscription } from "./declaration";

/**
 * The Catalog V1 events the integration takes, by their `@eventType` (@wix/auto_sdk_stores_products
 * and @wix/auto_sdk_stores_inventory build/cjs/index.typings.d.ts `onProductDeleted`,
 * `onInventoryVariantsChanged`, `onInventoryItemChanged`). Each names its product by `productId`
 * (`ProductDeleted`, `InventoryVariantsChanged`, `InventoryItemChanged` in their build/cjs/meta.d.ts).
 * Only V1 sites send them: a V3 catalog has its own events. Plain data: the Wix edge and the flow
 * declarations both read it.
 */
export const CATALOG_V1_EVENTS = {
  productDeleted: "com.wix.ecommerce.catalog.api.v1.ProductDeleted",
  inventoryVariantsChanged: "com.wix.ecommerce.inventory.api.v1.InventoryVariantsChanged",
  inventoryItemChanged: "com.wix.ecommerce.inventory.api.v1.InventoryItemChanged",
} as const;

/** A V1 subscription as setup lists it (V1 sites only). */
export const v1Subscription = (eventType: string, dashboard: string, why: string): WixSubscription => ({
  eventType,
  dashboard,
  why,
  catalog: "V1_CATALOG",
});
