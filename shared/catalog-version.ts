import { PermanentError } from "./errors";
import type { CatalogVersion } from "./flows/wix-catalog";

/**
 * One rule for the flows (the products sync, the plan) and the Wix adapters (SiteCatalog): which
 * Wix catalog versions are synced.
 */
/** The catalog versions synced: V1 and V3. A site without Wix Stores (or an unknown version) is refused. */
export function refuseUnsynced(version: CatalogVersion, site?: string): void {
  if (version === "V1_CATALOG" || version === "V3_CATALOG") return;
  const where = site ? `site ${site}` : "the Wix site";
  throw new PermanentError(
    version === "STORES_NOT_INSTALLED"
      ? `Wix Stores is not installed on ${where}`
      : `${where} runs an unknown Wix catalog version: ${version}`,
  );
}

/**
 * The Catalog V1 events the integration takes, by their `@eventType` (@wix/auto_sdk_stores_products
 * and @wix/auto_sdk_stores_inventory build/cjs/index.typings.d.ts `onProductDeleted`,
 * `onInventoryVariantsChanged`, `onInventoryItemChanged`). Each names its product by `productId`
 * (`ProductDeleted`, `InventoryVariantsChanged`, `InventoryItemChanged` in their build/cjs/meta.d.ts).
 * Only V1 sites send them: a V3 catalog has its own events. Plain data: the Wix edge and the flow
 * declarations (shared/flows/catalog-v1-events.ts) both read it.
 */
export const CATALOG_V1_EVENTS = {
  productDeleted: "com.wix.ecommerce.catalog.api.v1.ProductDeleted",
  inventoryVariantsChanged: "com.wix.ecommerce.inventory.api.v1.InventoryVariantsChanged",
  inventoryItemChanged: "com.wix.ecommerce.inventory.api.v1.InventoryItemChanged",
} as const;
