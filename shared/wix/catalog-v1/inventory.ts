import type {
  InventoryItemV2Original,
  QueryInventoryRequestOriginal,
  QueryInventoryResponseOriginal,
} from "@wix/auto_sdk_stores_inventory/meta";
import { PermanentError, SyncError } from "../../errors";
import type { InventoryWix } from "../../flows/inventory/ports";
import type { BulkItemResult, BulkResponse, WixInventoryItem } from "../../flows/wix-catalog";
import type { HttpClient } from "../../http/client";
import { offsetPages } from "../../paging";
import { wrongCatalogCode } from "../catalog";
import { errorOf } from "../responses";
import { setV1Stock, type V1VariantRef } from "./stock";

/**
 * Catalog V1 inventory (@wix/auto_sdk_stores_inventory) behind the inventory flow's port. V1 keeps
 * ONE inventory item per product, with `trackQuantity` for the whole product and a quantity per
 * variant (`InventoryItemV2`, build/cjs/meta.d.ts); the port speaks of one item per variant, so
 * each variant is given as an item of its own here.
 */

/** Query Inventory pages: `Paging.limit @max 100`, offset paging (meta.d.ts `Paging`). */
export const V1_INVENTORY_PAGE = 100;

/**
 * V1 has no inventory item revisions (`InventoryItemV2` declares none) and no revision guard on
 * Update Inventory Variants: every V1 item carries this one value, so that a re-read never looks
 * like a change and the flow's absolute quantities are simply written.
 */
export const V1_REVISION = "v1";

const V1_NO_LOCATIONS = "Catalog V1 has no inventory locations: unset WIX_LOCATION_ID for this site";

/**
 * The opaque inventory item id the flow hands back to write: V1 writes by product and variant
 * (Update Inventory Variants), so both travel in it. Wix ids are GUIDs (no "/").
 */
export function v1InventoryId(productId: string, variantId: string): string {
  return `v1/${productId}/${variantId}`;
}

function parseV1InventoryId(id: string): { productId: string; variantId: string } | undefined {
  const [tag, productId, variantId, ...rest] = id.split("/");
  return tag === "v1" && productId && variantId && !rest.length ? { productId, variantId } : undefined;
}

export class WixV1Inventory implements InventoryWix {
  constructor(
    private readonly http: HttpClient,
    private readonly variantsBySku: (skus: string[]) => Promise<V1VariantRef[]>,
  ) {}

  /**
   * One item per variant of these SKUs. The variants are found by SKU (the products adapter), their
   * stock read from Query Inventory: its doc comments declare no filterable field but `numericId`
   * ("primarily for sorting and filtering when crawling all inventories", meta.d.ts
   * `InventoryItemV2`), so the inventory is crawled in `numericId` order, 100 a page, until every
   * product asked for is seen. A variant with no inventory entry is left out: the flow then
   * creates its stock (bulkCreateInventory).
   */
  async inventoryBySku(skus: string[], locationId?: string): Promise<WixInventoryItem[]> {
    if (locationId) throw new PermanentError(V1_NO_LOCATIONS, { locationId });
    if (!skus.length) return [];
    const refs = await this.variantsBySku(skus);
    if (!refs.length) return [];
    const byProduct = new Map<string, V1VariantRef[]>();
    for (const ref of refs) byProduct.set(ref.productId, [...(byProduct.get(ref.productId) ?? []), ref]);
    const items: WixInventoryItem[] = [];
    const pending = new Set(byProduct.keys());
    for await (const page of offsetPages(
      (offset, limit) => this.queryPage(offset, limit),
      V1_INVENTORY_PAGE,
    )) {
      for (const inventory of page) {
        const wanted = inventory.productId ? byProduct.get(inventory.productId) : undefined;
        if (!wanted) continue;
        pending.delete(inventory.productId as string);
        items.push(...variantItems(inventory, wanted));
      }
      if (!pending.size) break;
    }
    return items;
  }

  private async queryPage(offset: number, limit: number): Promise<InventoryItemV2Original[]> {
    const body: QueryInventoryRequestOriginal = {
      query: { sort: JSON.stringify([{ numericId: "asc" }]), paging: { limit, offset } },
    };
    const res = await this.http.send<QueryInventoryResponseOriginal>({
      method: "POST",
      path: "/stores-reader/v2/inventoryItems/query",
      idempotent: true, // a read
      body,
    });
    return res.body.inventoryItems ?? [];
  }

  /** Absolute quantities by item id; V1 has no revision to guard them (see V1_REVISION). */
  bulkUpdateInventory(
    items: { id: string; revision: string; quantity: number }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    return this.writeStock(items.map((item) => ({ ...item, ref: parseV1InventoryId(item.id) })));
  }

  /** V1 creates a product's inventory with the product: "creating" a variant's stock is setting it. */
  bulkCreateInventory(
    items: { productId: string; variantId: string; quantity: number; locationId?: string }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    if (items.some((i) => i.locationId)) throw new PermanentError(V1_NO_LOCATIONS);
    return this.writeStock(
      items.map((item) => ({
        quantity: item.quantity,
        ref: { productId: item.productId, variantId: item.variantId },
      })),
    );
  }

  /**
   * One Update Inventory Variants call per product carries all its variants (setV1Stock), so a
   * product refused fails its own variants only; a retryable failure (rate limit, outage) throws
   * for the queue to retry the message.
   */
  private async writeStock(
    inputs: { quantity: number; ref?: { productId: string; variantId: string } }[],
  ): Promise<BulkResponse<WixInventoryItem>> {
    const results: BulkItemResult<WixInventoryItem>[] = [];
    const byProduct = new Map<string, number[]>();
    inputs.forEach(({ ref }, index) => {
      if (!ref)
        results.push(
          failed(index, { code: "INVALID_ID", description: "not a Catalog V1 inventory item id" }),
        );
      else byProduct.set(ref.productId, [...(byProduct.get(ref.productId) ?? []), index]);
    });
    for (const [productId, indexes] of byProduct) {
      const variants = indexes.map((i) => ({
        variantId: inputs[i]?.ref?.variantId as string,
        quantity: inputs[i]?.quantity as number,
      }));
      try {
        await setV1Stock(this.http, productId, variants);
      } catch (error) {
        // The site now runs V3 (428): SiteCatalog re-runs the write there.
        if (!(error instanceof SyncError) || error.retryable || wrongCatalogCode(error)) throw error;
        const refused = errorOf({
          code: String(error.details.code ?? "REFUSED"),
          description: error.message,
        });
        for (const i of indexes) results.push(failed(i, refused));
        continue;
      }
      indexes.forEach((index, k) => {
        const { variantId, quantity } = variants[k] as { variantId: string; quantity: number };
        const id = v1InventoryId(productId, variantId);
        results.push({
          itemMetadata: { id, originalIndex: index, success: true },
          // What setV1Stock wrote: the quantity, tracked (it always sends trackQuantity: true).
          item: {
            id,
            revision: V1_REVISION,
            productId,
            variantId,
            quantity,
            inStock: quantity > 0,
            trackQuantity: true,
          },
        });
      });
    }
    results.sort((a, b) => a.itemMetadata.originalIndex - b.itemMetadata.originalIndex);
    const failures = results.filter((r) => !r.itemMetadata.success).length;
    return {
      results,
      bulkActionMetadata: {
        totalSuccesses: results.length - failures,
        totalFailures: failures,
        undetailedFailures: 0,
      },
    };
  }
}

function failed(originalIndex: number, error: { code: string; description?: string }): BulkItemResult<never> {
  return { itemMetadata: { originalIndex, success: false, error } };
}

/** The wanted variants of one V1 inventory item, each as an item of its own. */
function variantItems(inventory: InventoryItemV2Original, wanted: V1VariantRef[]): WixInventoryItem[] {
  const items: WixInventoryItem[] = [];
  for (const ref of wanted) {
    const variant = inventory.variants?.find((v) => v.variantId === ref.variantId);
    if (!variant) continue;
    items.push({
      id: v1InventoryId(ref.productId, ref.variantId),
      revision: V1_REVISION,
      productId: ref.productId,
      variantId: ref.variantId,
      // Tracking is the product's, for all its variants (`InventoryItemV2.trackQuantity`).
      ...(typeof inventory.trackQuantity === "boolean" ? { trackQuantity: inventory.trackQuantity } : {}),
      ...(typeof variant.quantity === "number" ? { quantity: variant.quantity } : {}),
      ...(typeof variant.inStock === "boolean" ? { inStock: variant.inStock } : {}),
      product: { variantSku: ref.sku, ...(ref.productName ? { name: ref.productName } : {}) },
    });
  }
  return items;
}
