import type {
  InventoryVariantV2Original,
  UpdateInventoryVariantsRequestOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import { SyncError } from "../../errors";
import type { HttpClient } from "../../http/client";
import { wrongCatalogCode } from "../catalog";

/**
 * Catalog V1 shares these between its adapters: a variant found by SKU (what the inventory adapter
 * needs to read and write its stock), and the one stock write V1 has.
 */

/**
 * V1 has no revisions: neither products nor inventory items declare one (`Product`,
 * `InventoryItemV2` in the SDKs' meta.d.ts), and no V1 write is guarded by one. The flows need a
 * revision to name what they update, so every V1 product and inventory item answers this one
 * value: a re-read never looks like a change, and the last write wins, as on V1 for every client.
 */
export const V1_REVISION = "v1";

/** A V1 variant found by SKU: the product and variant ids its stock is kept under. */
export interface V1VariantRef {
  productId: string;
  variantId: string;
  sku: string;
  productName?: string;
}

/** One variant's absolute quantity. */
export type V1VariantStock = Required<Pick<InventoryVariantV2Original, "variantId">> & { quantity: number };

/**
 * Update Inventory Variants: PATCH /stores/v2/inventoryItems/product/{productId} with
 * `{inventoryItem: {trackQuantity, variants}}` (@wix/auto_sdk_stores_inventory build/cjs/index.js
 * `updateInventoryVariants`, protoPath "/v2/inventoryItems/product/{inventoryItem.productId}"
 * mapped to /stores/v2/inventoryItems on www.wixapis.com). `trackQuantity` must be sent on every
 * call: omitted it is taken as false for ALL the product's variants (InventoryItemV2 doc,
 * meta.d.ts), so we always send true. The product id travels in the body too, as the SDK sends
 * it (`data` is the whole request, `inventoryItem.productId` included). The answer is empty.
 */
export async function setV1Stock(
  http: HttpClient,
  productId: string,
  variants: V1VariantStock[],
): Promise<void> {
  const body: UpdateInventoryVariantsRequestOriginal = {
    // The SDK's builder sends the path's product id in the body too (index.js, contract test).
    inventoryItem: { productId, trackQuantity: true, variants },
  };
  await http.send({
    method: "PATCH",
    path: `/stores/v2/inventoryItems/product/${encodeURIComponent(productId)}`,
    body,
    // An absolute quantity: sending it twice leaves the same stock.
    idempotent: true,
  });
}

/**
 * Wix refused this one write for good: it becomes that product's (or item's) failure, never the
 * batch's. Anything retryable, unexpected, or a 428 saying the site now runs V3 (SiteCatalog re-runs
 * the whole call there) goes up instead.
 */
export function isV1Refusal(error: unknown): error is SyncError {
  return error instanceof SyncError && !error.retryable && !wrongCatalogCode(error);
}
